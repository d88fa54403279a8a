package dev.berth.model;

/** A failure the caller can act on; carried to the API as {@code {"error":{"code","message"}}}. */
public class BerthException extends RuntimeException {
    private final ErrorCode code;

    public BerthException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
