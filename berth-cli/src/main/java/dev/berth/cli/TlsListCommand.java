package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth tls ls}. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List the certificates stored for the proxies' HTTPS entrypoints (never their keys).")
public final class TlsListCommand extends ClientCommand {
    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode certificates = api.get("/certificates");
        if (output.json()) {
            OutputOption.printJson(out(), certificates);
        } else {
            TlsText.table(certificates, Instant.now()).print(out());
        }
        return ExitCodes.OK;
    }
}
