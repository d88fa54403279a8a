package dev.berth.cli.certs;

import dev.berth.cli.CliException;
import dev.berth.cli.ErrorReporter;
import dev.berth.cli.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code certs init} and {@code certs issue} share: the directory, --force, one-line errors. */
abstract class CertsSubcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "certs", paramLabel = "DIR",
            description = "Directory of the CA and node files (default: ${DEFAULT-VALUE}); created mode 0700 if missing.")
    Path dir;

    @Option(names = "--force", description = "Replace files that already exist.")
    boolean force;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (IllegalArgumentException e) {
            return ErrorReporter.report(new CliException(ExitCodes.USAGE, e.getMessage()), err());
        } catch (RuntimeException e) {
            return ErrorReporter.report(e, err());
        }
    }

    protected abstract int run();

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
