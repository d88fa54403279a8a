package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth stop ID}: the instance goes to STOPPING; its worker removes the container. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an instance.")
public final class StopCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode i = api.post("/instances/" + ApiClient.segment(id) + "/stop", null);
        if (output.json()) {
            OutputOption.printJson(out(), i);
        } else {
            out().println("stopping " + id + " (" + InstanceText.text(i, "state") + ")");
        }
        return ExitCodes.OK;
    }
}
