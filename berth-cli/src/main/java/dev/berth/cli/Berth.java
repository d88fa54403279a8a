package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The one executable: node roles and client commands as subcommands (DESIGN.md, "Planes and roles"). */
@Command(name = "berth", mixinStandardHelpOptions = true, version = "berth 0.1.0",
        description = "On-demand isolated container instances, each at its own hostname.",
        subcommands = {
                // ---- node roles (package dev.berth.cli.roles) ----
                dev.berth.cli.roles.StandaloneCommand.class,
                dev.berth.cli.roles.ControllerCommand.class,
                dev.berth.cli.roles.WorkerCommand.class,
                dev.berth.cli.roles.ProxyCommand.class,
                // ---- client commands: talk to the REST API (--api / BERTH_API, --token / BERTH_TOKEN) ----
                TemplateCommand.class,
                LaunchCommand.class,
                ListCommand.class,
                GetCommand.class,
                ExtendCommand.class,
                StopCommand.class,
                NodesCommand.class,
                ControllersCommand.class,
                TlsCommand.class,
                dev.berth.cli.certs.CertsCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Berth implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it: with one-line error reporting for every subcommand. */
    public static CommandLine commandLine() {
        return new CommandLine(new Berth()).setExecutionExceptionHandler(new ErrorReporter());
    }

    /** {@code berth} alone: a subcommand is needed, so this is a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
