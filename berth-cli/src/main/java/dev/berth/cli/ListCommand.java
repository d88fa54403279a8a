package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth ls [--owner X] [--state READY]}: instances, newest first. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List instances.")
public final class ListCommand extends ClientCommand {
    @Option(names = "--owner", paramLabel = "OWNER", description = "Only this owner's instances.")
    String owner;

    @Option(names = "--state", paramLabel = "STATE", description = "Only instances in this state (e.g. READY).")
    String state;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode instances = api.get("/instances" + query());
        if (output.json()) {
            OutputOption.printJson(out(), instances);
        } else {
            InstanceText.table(instances).print(out());
        }
        return ExitCodes.OK;
    }

    String query() {
        List<String> q = new ArrayList<>();
        if (owner != null) {
            q.add("owner=" + ApiClient.segment(owner));
        }
        if (state != null) {
            q.add("state=" + ApiClient.segment(state));
        }
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }
}
