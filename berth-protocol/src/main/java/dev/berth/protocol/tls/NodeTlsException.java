package dev.berth.protocol.tls;

/**
 * A node's TLS files cannot be used: missing, unreadable, not PEM, expired, or not matching each
 * other. The message is one line and names the file at fault.
 */
public final class NodeTlsException extends IllegalArgumentException {
    private final transient java.nio.file.Path file;

    public NodeTlsException(java.nio.file.Path file, String message) {
        super(message);
        this.file = file;
    }

    public NodeTlsException(java.nio.file.Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file at fault. */
    public java.nio.file.Path file() {
        return file;
    }
}
