package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth tls get NAME}. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show one stored certificate: the names it serves, its expiry and SHA-256 fingerprint (never its key).")
public final class TlsGetCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode c = api.get("/certificates/" + ApiClient.segment(name));
        if (output.json()) {
            OutputOption.printJson(out(), c);
        } else {
            TlsText.details(out(), c, Instant.now());
        }
        return ExitCodes.OK;
    }
}
