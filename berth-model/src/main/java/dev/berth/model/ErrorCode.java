package dev.berth.model;

/** The codes of the API's one error shape, each with its HTTP status. */
public enum ErrorCode {
    INVALID_JSON(400),
    INVALID_REQUEST(400),
    INVALID_TEMPLATE(400),
    INVALID_CERTIFICATE(400),
    TTL_EXCEEDED(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    NO_CAPACITY(503),
    UNAVAILABLE(503),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String wireName() {
        return name().toLowerCase();
    }
}
