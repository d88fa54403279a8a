package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Cluster;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Http;
import dev.berth.it.support.Templates;
import dev.berth.testing.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a controller as docs/operations.md says: a fourth one starts with --join, is added
 * through the API, catches up, and an old one is removed; the group keeps committing throughout.
 */
class MembershipIT {
    @TempDir
    Path root;
    Cluster cluster;
    BerthProcess joiner;

    @AfterEach
    void cleanUp() {
        if (joiner != null) {
            joiner.kill();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aJoinedControllerCatchesUpAndAnOldOneIsRemoved() {
        cluster = new Cluster("membership-it", root, Cluster.Options.defaults().withNodes(3, 0, 0, false)).start();
        cluster.awaitLeader(Duration.ofSeconds(30));
        cluster.applyTemplate(Templates.whoami("before-join", "30m", "2h"));

        String host = "127.0.0.14";
        int api = Ports.free(host);
        int grpc = Ports.free(host);
        int raft = Ports.free(host);
        String peers = cluster.controllers.stream().map(c -> c.id + "=" + c.host + ":" + c.raftPort).collect(Collectors.joining(","));
        joiner = new BerthProcess("membership-it-c4", BerthProcess.SMALL_JVM_OPTIONS, List.of("controller", "--id", "c4", "--join",
                "--peers", peers + ",c4=" + host + ":" + raft, "--api", host + ":" + api, "--grpc", host + ":" + grpc,
                "--data-dir", root.resolve("c4").toString(), "--domain", Cluster.DOMAIN)).start();
        String c4 = "http://" + host + ":" + api + "/api/v1";
        Eventually.until("c4's API answers", Duration.ofSeconds(60), () -> {
            try {
                return Http.get(c4 + "/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });

        Http.Reply added = Http.post(cluster.api() + "/controllers", "{\"id\":\"c4\",\"raftAddress\":\"" + host + ":" + raft + "\"}");
        assertEquals(200, added.status(), added.body());
        assertEquals(4, added.json().get("members").size());

        Eventually.until("c4 has the state from before it joined", Duration.ofSeconds(30),
                () -> Http.get(c4 + "/templates/before-join").status() == 200);
        cluster.applyTemplate(Templates.whoami("after-join", "30m", "2h"));
        Eventually.until("c4 follows new changes", Duration.ofSeconds(30),
                () -> Http.get(c4 + "/templates/after-join").status() == 200);
        JsonNode nodes = Http.get(c4 + "/nodes").json();
        List<String> reachable = new ArrayList<>();
        nodes.get("controllers").forEach(c -> {
            if (c.get("reachable").asBoolean()) {
                reachable.add(c.get("nodeId").asText());
            }
        });
        assertEquals(List.of("c1", "c2", "c3", "c4"), reachable.stream().sorted().toList(), nodes.toString());

        // Remove a follower that is not c4, through c4's own API.
        String leader = cluster.awaitLeader(Duration.ofSeconds(30)).id;
        Cluster.Node removed = cluster.controllers.stream().filter(c -> !c.id.equals(leader)).findFirst().orElseThrow();
        Http.Reply out = Http.call("DELETE", c4 + "/controllers/" + removed.id, null);
        assertEquals(200, out.status(), out.body());
        List<String> members = new ArrayList<>();
        out.json().get("members").forEach(m -> members.add(m.get("id").asText()));
        assertEquals(3, members.size());
        assertTrue(!members.contains(removed.id) && members.contains("c4"), members.toString());
        removed.stop();

        // The remaining three (one of them the newcomer) still commit.
        Http.Reply afterRemove = Http.call("PUT", c4 + "/templates/after-remove", Templates.whoami("after-remove", "30m", "2h"));
        assertEquals(200, afterRemove.status(), afterRemove.body());
        JsonNode after = Http.get(c4 + "/nodes").json();
        assertEquals(3, after.get("controllers").size(), after.toString());
        after.get("controllers").forEach(c -> assertNotEquals(removed.id, c.get("nodeId").asText()));
    }
}
