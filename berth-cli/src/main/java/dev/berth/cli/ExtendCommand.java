package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.controller.api.ExtendBody;
import dev.berth.model.Durations;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth extend ID 30m}: pushes the expiry back, never past the template's max ttl. */
@Command(name = "extend", mixinStandardHelpOptions = true, description = "Give an instance more time.")
public final class ExtendCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "DURATION", converter = DurationConverter.class, description = "How much more (e.g. 30m).")
    Duration by;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode i = api.post("/instances/" + ApiClient.segment(id) + "/extend", new ExtendBody(Durations.format(by)));
        if (output.json()) {
            OutputOption.printJson(out(), i);
        } else {
            out().println("extended " + id + ": expires " + InstanceText.expires(i));
        }
        return ExitCodes.OK;
    }
}
