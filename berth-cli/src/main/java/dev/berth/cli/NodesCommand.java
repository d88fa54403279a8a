package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.model.Durations;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth nodes}: controllers (Raft view) and workers; -o json shows everything the API reports. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "Show controllers (Raft role, term, applied index), workers (lease, load) and proxies (route version, lag).")
public final class NodesCommand extends ClientCommand {
    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode nodes = api.get("/nodes");
        if (output.json()) {
            OutputOption.printJson(out(), nodes);
            return ExitCodes.OK;
        }
        out().println("CONTROLLERS");
        Table c = new Table("ID", "ROLE", "TERM", "LEADER", "APPLIED", "COMMITTED");
        for (JsonNode n : nodes.path("controllers")) {
            c.row(text(n, "nodeId"), text(n, "role"), text(n, "term"), text(n, "leaderId"), text(n, "appliedIndex"), text(n, "commitIndex"));
        }
        c.print(out());
        out().println();
        out().println("WORKERS");
        Table w = new Table("ID", "ADDRESS", "STATUS", "INSTANCES", "CAPACITY", "LEASE");
        for (JsonNode n : nodes.path("workers")) {
            w.row(text(n, "id"), text(n, "address"), text(n, "status"), text(n, "instances"), text(n, "capacity"),
                    lease(n.path("leaseExpiresInMillis").asLong()));
        }
        w.print(out());
        out().println();
        out().println("PROXIES (route table version " + text(nodes, "routeVersion") + ")");
        Table p = new Table("ID", "CONTROLLER", "VERSION", "LAG");
        for (JsonNode n : nodes.path("proxies")) {
            p.row(text(n, "id"), text(n, "controller"), text(n, "version"), text(n, "lag"));
        }
        p.print(out());
        return ExitCodes.OK;
    }

    private static String text(JsonNode n, String field) {
        return InstanceText.text(n, field);
    }

    static String lease(long ms) {
        Duration d = Duration.ofSeconds(Math.abs(ms) / 1000);
        return ms >= 0 ? "expires in " + Durations.format(d) : "lapsed " + Durations.format(d) + " ago";
    }
}
