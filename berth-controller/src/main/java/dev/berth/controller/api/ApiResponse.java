package dev.berth.controller.api;

/**
 * What an endpoint answers: a status and a body that is written as JSON (null: no body), or
 * as given when it is a {@link Raw} (e.g. Prometheus metrics).
 */
public record ApiResponse(int status, Object body) {
    /** A body written as is, with its own content type. */
    public record Raw(String contentType, byte[] bytes) {
    }

    public static ApiResponse raw(String contentType, byte[] bytes) {
        return new ApiResponse(200, new Raw(contentType, bytes));
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }
}
