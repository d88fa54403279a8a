package dev.berth.cli;

import dev.berth.cli.client.ApiException;
import dev.berth.cli.client.ApiUnreachableException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns a failure into one line on stderr and an exit code. Client commands call it themselves
 * (so they behave the same however their CommandLine was built); {@link Berth#main} also installs
 * it as the handler of last resort for every other command.
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        return report(e, commandLine.getErr());
    }

    public static int report(Throwable e, PrintWriter err) {
        int code;
        if (e instanceof ApiException a) {
            String message = a.getMessage() == null || a.getMessage().isBlank() ? "the API refused" : a.getMessage();
            String hint = "unauthorized".equals(a.code()) ? "; pass --token or set BERTH_TOKEN" : "";
            err.println("error: " + message + " (" + a.code() + ")" + hint);
            code = ExitCodes.FAILED;
        } else if (e instanceof ApiUnreachableException | e instanceof CliException | e instanceof UncheckedIOException) {
            // UncheckedIOException: a node that cannot start (an address in use), its message written to say so.
            err.println("error: " + e.getMessage());
            code = e instanceof CliException c ? c.exitCode() : ExitCodes.FAILED;
        } else {
            // A bug rather than a user mistake: still one line, the trace only when asked for.
            err.println("error: " + e);
            if (System.getenv("BERTH_DEBUG") != null) {
                e.printStackTrace(err);
            }
            code = ExitCodes.FAILED;
        }
        err.flush();
        return code;
    }
}
