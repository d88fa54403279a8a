package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth controllers add|remove}: Raft membership changes of the control plane. */
@Command(name = "controllers", mixinStandardHelpOptions = true,
        description = "Change the controller group's membership (Raft joint consensus).",
        subcommands = {ControllersCommand.Add.class, ControllersCommand.Remove.class})
public final class ControllersCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a controller already started with `berth controller --join`.")
    public static final class Add extends ClientCommand {
        @Option(names = "--id", required = true, description = "The new controller's id.")
        String id;

        @Option(names = "--raft", required = true, description = "The new controller's Raft address host:port.")
        String raft;

        @Override
        protected int run(ApiClient api) {
            JsonNode r = api.post("/controllers", Map.of("id", id, "raftAddress", raft));
            out().println("controller " + id + " added; members: " + members(r));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a controller from the group.")
    public static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        protected int run(ApiClient api) {
            JsonNode r = api.delete("/controllers/" + ApiClient.segment(id));
            out().println("controller " + id + " removed; members: " + members(r));
            return ExitCodes.OK;
        }
    }

    static String members(JsonNode r) {
        StringBuilder b = new StringBuilder();
        for (JsonNode m : r.path("members")) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(m.path("id").asText()).append('=').append(m.path("address").asText());
        }
        return b.toString();
    }
}
