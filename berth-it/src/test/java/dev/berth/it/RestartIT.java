package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Http;
import dev.berth.it.support.Standalone;
import dev.berth.it.support.Templates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted `berth standalone` recovers its state from Raft and adopts the containers it left running. */
class RestartIT {
    @TempDir
    Path data;
    Standalone berth;

    @AfterEach
    void cleanUp() {
        if (berth != null) {
            berth.close();
            Docker.removeWorkerContainers(berth.workerId);
        }
    }

    @Test
    void restartRecoversStateAdoptsContainersAndServesAgain() {
        berth = new Standalone("restart-it", data.resolve("berth")).start();
        berth.applyTemplate(Templates.whoami("whoami", "30m", "2h"));
        JsonNode launched = berth.launch("whoami", "team42", null);
        String id = launched.get("id").asText();
        String hostname = launched.get("hostname").asText();
        berth.awaitState(id, "READY", Duration.ofSeconds(60));
        Eventually.until("routed", Duration.ofSeconds(10), () -> berth.viaProxy(hostname).status() == 200);
        String container = Docker.runningContainers("berth.instance=" + id).get(0);
        String startedAt = Docker.inspect(container, "{{.State.StartedAt}}");

        berth.stop();
        assertEquals(List.of(container), Docker.runningContainers("berth.instance=" + id),
                "stopping Berth leaves the instance's container running");

        berth.start();
        assertTrue(Http.get(berth.api() + "/templates/whoami").status() == 200, "template recovered");
        JsonNode recovered = berth.instance(id);
        assertEquals(hostname, recovered.get("hostname").asText());
        assertEquals(launched.get("expiresAt").asLong(), recovered.get("expiresAt").asLong());
        berth.awaitState(id, "READY", Duration.ofSeconds(30));
        String body = Eventually.await("served again after restart", Duration.ofSeconds(20),
                () -> berth.viaProxy(hostname), r -> r.status() == 200).body();
        assertTrue(body.contains("instance: " + id), body);

        assertEquals(List.of(container), Docker.runningContainers("berth.instance=" + id), "same container adopted");
        assertEquals(startedAt, Docker.inspect(container, "{{.State.StartedAt}}"), "not restarted");
    }
}
