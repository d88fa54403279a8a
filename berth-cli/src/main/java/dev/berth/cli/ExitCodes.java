package dev.berth.cli;

/** What {@code berth} exits with, so scripts can tell a refusal from a typo. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The API refused, could not be reached, or an instance did not become ready. */
    public static final int FAILED = 1;
    /** Bad arguments or options (picocli's own code for invalid input). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
