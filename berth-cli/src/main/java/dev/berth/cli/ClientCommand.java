package dev.berth.cli;

import dev.berth.cli.client.ApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that talks to the REST API: gets the API options, prints through picocli's writers, reports errors as one line. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ApiOptions apiOptions;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run(apiOptions.client());
        } catch (RuntimeException e) {
            return ErrorReporter.report(e, err());
        }
    }

    /** Does the work; returns the exit code. Throws CliException / ApiException to fail. */
    protected abstract int run(ApiClient api);

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
