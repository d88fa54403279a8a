package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth get ID}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one instance.")
public final class GetCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode i = api.get("/instances/" + ApiClient.segment(id));
        if (output.json()) {
            OutputOption.printJson(out(), i);
        } else {
            InstanceText.details(out(), i);
        }
        return ExitCodes.OK;
    }
}
