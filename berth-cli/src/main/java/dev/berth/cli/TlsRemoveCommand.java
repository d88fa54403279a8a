package dev.berth.cli;

import dev.berth.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth tls rm NAME}: proxies stop serving it; names it covered fall back to another certificate. */
@Command(name = "rm", aliases = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a stored certificate. Proxies stop offering it to new connections (names it covered get the"
                + " next certificate that covers them, or the default); connections already open keep it."})
public final class TlsRemoveCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected int run(ApiClient api) {
        api.delete("/certificates/" + ApiClient.segment(name));
        out().println("certificate " + name + " deleted");
        return ExitCodes.OK;
    }
}
