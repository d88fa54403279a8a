package dev.berth.cli.roles;

import dev.berth.cli.Berth;
import picocli.CommandLine;

/** The innermost command object picocli fills from {@code args}, without running it. */
final class ParsedCommand {
    private ParsedCommand() {
    }

    static <T> T of(Class<T> type, String... args) {
        CommandLine.ParseResult r = Berth.commandLine().parseArgs(args);
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return type.cast(r.commandSpec().userObject());
    }

    static ProxyOptions proxyOptions(String... args) {
        return of(ProxyCommand.class, args).proxy;
    }
}
