package dev.berth.cli.client;

/** The API refused a request and said why, in its one error shape. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The error's wire code, e.g. {@code ttl_exceeded}. */
    public String code() {
        return code;
    }
}
