package dev.berth.cli;

/** A failure to report as one line, {@code error: <message>}, with an exit code. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(String message) {
        this(ExitCodes.FAILED, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
