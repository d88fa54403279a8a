package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Http;
import dev.berth.it.support.RawHttp;
import dev.berth.it.support.Standalone;
import dev.berth.it.support.Templates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `berth standalone` as a user runs it: a real process with one-node Raft, the Docker engine
 * and the proxy, driven through its REST API and reached through its proxy port.
 */
class StandaloneIT {
    @TempDir
    static Path data;
    static Standalone berth;

    @BeforeAll
    static void start() {
        berth = new Standalone("standalone-it", data.resolve("berth")).start();
        berth.applyTemplate(Templates.whoami("whoami", "30m", "2h"));
        berth.applyTemplate(Templates.whoami("short", "4s", "10s"));
        berth.applyTemplate(Templates.tcpEcho("echo"));
        berth.applyTemplate(Templates.tcpEchoWithProxyProtocol("echo-pp", "v1"));
        berth.applyTemplate(Templates.whoami("slow", "30m", "2h").replace("\"image\"", "\"command\":[\"sh\",\"-c\",\"sleep 4; exec /bin/serve\"],\"image\""));
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
            Docker.removeWorkerContainers(berth.workerId);
        }
    }

    @Test
    void launchedInstanceIsServedAtItsOwnHostname() {
        JsonNode a = berth.launch("whoami", "team42", null);
        JsonNode b = berth.launch("whoami", "team43", null);
        String idA = a.get("id").asText();
        String idB = b.get("id").asText();
        assertTrue(a.get("hostname").asText().matches("[0-9a-f]{10}\\.berth\\.localhost"), a.toString());
        assertNotEquals(a.get("hostname").asText(), b.get("hostname").asText());

        berth.awaitState(idA, "READY", Duration.ofSeconds(60));
        berth.awaitState(idB, "READY", Duration.ofSeconds(60));
        RawHttp.Response pageA = Eventually.await("route for " + idA, Duration.ofSeconds(10),
                () -> berth.viaProxy(a.get("hostname").asText()), r -> r.status() == 200);
        RawHttp.Response pageB = berth.viaProxy(b.get("hostname").asText());
        assertEquals(200, pageB.status());
        assertTrue(pageA.body().contains("instance: " + idA), pageA.body());
        assertTrue(pageA.body().contains("flag: flag{" + idA + "}"), "per-instance env reached the container: " + pageA.body());
        assertTrue(pageB.body().contains("instance: " + idB), pageB.body());

        String containerA = Docker.containers("berth.instance=" + idA).get(0);
        String containerB = Docker.containers("berth.instance=" + idB).get(0);
        assertNotEquals(containerA, containerB);
        assertTrue(pageA.body().contains("container: " + containerA.substring(0, 12)), "served by its own container");
        assertTrue(pageB.body().contains("container: " + containerB.substring(0, 12)));

        assertEquals(404, berth.viaProxy("0000000000.berth.localhost").status(), "unknown host");
    }

    @Test
    void startingInstanceAnswers503ThenItsPage() {
        JsonNode i = berth.launch("slow", "team6", null);
        String hostname = i.get("hostname").asText();
        RawHttp.Response starting = Eventually.await("503 while starting", Duration.ofSeconds(10),
                () -> berth.viaProxy(hostname), r -> r.status() == 503);
        assertTrue(starting.body().toLowerCase().contains("starting"), starting.body());
        berth.awaitState(i.get("id").asText(), "READY", Duration.ofSeconds(60));
        Eventually.until("served once READY", Duration.ofSeconds(10), () -> berth.viaProxy(hostname).status() == 200);
    }

    @Test
    void rawTcpInstanceIsReachedThroughItsProxyPort() throws Exception {
        JsonNode i = berth.launch("echo", "team5", null);
        String id = i.get("id").asText();
        int port = i.at("/tcpPorts/echo").asInt();
        assertTrue(port >= berth.tcpFirst && port <= berth.tcpFirst + 9, "proxy port from the configured range: " + i);
        berth.awaitState(id, "READY", Duration.ofSeconds(60));
        String echoed = Eventually.await("tcp echo through the proxy", Duration.ofSeconds(15), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("ping berth\n".getBytes());
                s.getOutputStream().flush();
                return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
            } catch (java.io.IOException e) {
                return "error: " + e.getMessage();
            }
        }, "ping berth"::equals);
        assertEquals("ping berth", echoed);
    }

    @Test
    void aTcpInstanceAskingForThePROXYProtocolLearnsThePlayersAddress() throws Exception {
        JsonNode i = berth.launch("echo-pp", "team6", null);
        String id = i.get("id").asText();
        int port = i.at("/tcpPorts/echo").asInt();
        berth.awaitState(id, "READY", Duration.ofSeconds(60));
        // The container echoes every byte it gets: first the header the proxy wrote, then ours.
        String echoed = Eventually.await("PROXY header and echo through the proxy", Duration.ofSeconds(15), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("ping berth\n".getBytes());
                s.getOutputStream().flush();
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                return in.readLine() + "|" + in.readLine() + "|" + s.getLocalPort();
            } catch (java.io.IOException e) {
                return "error: " + e.getMessage();
            }
        }, s -> !s.startsWith("error"));
        String[] parts = echoed.split("\\|");
        assertEquals("PROXY TCP4 127.0.0.1 127.0.0.1 " + parts[2] + " " + port, parts[0]);
        assertEquals("ping berth", parts[1]);
    }

    @Test
    void expiredInstanceLosesContainerAndRoute() {
        JsonNode i = berth.launch("short", "team7", null);
        String id = i.get("id").asText();
        berth.awaitState(id, "READY", Duration.ofSeconds(60));
        assertEquals(200, Eventually.await("route", Duration.ofSeconds(10),
                () -> berth.viaProxy(i.get("hostname").asText()), r -> r.status() == 200).status());

        berth.awaitState(id, "STOPPED", Duration.ofSeconds(60));
        assertEquals("expired", berth.instance(id).get("reason").asText());
        List<String> events = new java.util.ArrayList<>();
        Http.get(berth.api() + "/instances/" + id + "/events").json().forEach(e -> events.add(e.get("state").asText() + ":" + e.get("reason").asText()));
        assertTrue(events.contains("READY:ready") && events.contains("STOPPING:expired") && events.get(events.size() - 1).startsWith("STOPPED"),
                "every transition is an event: " + events);
        assertEquals(List.of(), Docker.containers("berth.instance=" + id), "container removed");
        assertEquals(404, berth.viaProxy(i.get("hostname").asText()).status(), "route gone");
    }

    @Test
    void extendWithinMaxWorksAndPastMaxIsRefused() {
        JsonNode i = berth.launch("short", "team8", null);
        String id = i.get("id").asText();
        long expires = i.get("expiresAt").asLong();
        Http.Reply ok = Http.post(berth.api() + "/instances/" + id + "/extend", "{\"by\":\"2s\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(expires + 2000, ok.json().get("expiresAt").asLong());

        Http.Reply refused = Http.post(berth.api() + "/instances/" + id + "/extend", "{\"by\":\"1h\"}");
        assertEquals(400, refused.status());
        assertEquals("ttl_exceeded", refused.json().at("/error/code").asText());
        assertEquals(expires + 2000, berth.instance(id).get("expiresAt").asLong(), "expiry unchanged");
    }

    @Test
    void orphanContainerIsRemoved() {
        String orphan = Docker.run("run", "-d", "--label", "berth.instance=deadbeef00", "--label", "berth.worker=" + berth.workerId,
                "--label", "berth.template=whoami", "berth/whoami:latest");
        Eventually.until("orphan removed", Duration.ofSeconds(30),
                () -> !Docker.containers("berth.worker=" + berth.workerId).contains(orphan));
    }

    @Test
    void containerKilledBehindBerthsBackIsReportedAndUnrouted() {
        JsonNode i = berth.launch("whoami", "team9", null);
        String id = i.get("id").asText();
        berth.awaitState(id, "READY", Duration.ofSeconds(60));
        Eventually.until("routed", Duration.ofSeconds(10), () -> berth.viaProxy(i.get("hostname").asText()).status() == 200);

        Docker.run("kill", Docker.containers("berth.instance=" + id).get(0));
        JsonNode failed = berth.awaitState(id, "FAILED", Duration.ofSeconds(30));
        assertTrue(failed.get("reason").asText().contains("exited"), failed.toString());
        Eventually.until("route removed", Duration.ofSeconds(10), () -> berth.viaProxy(i.get("hostname").asText()).status() == 404);
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        String templatesBefore = Http.get(berth.api() + "/templates").body();

        Http.Reply noImage = Http.post(berth.api() + "/templates", "{\"name\":\"broken\",\"ports\":[{\"name\":\"web\",\"containerPort\":8080}]}");
        assertEquals(400, noImage.status());
        assertEquals("invalid_template", noImage.json().at("/error/code").asText());
        assertTrue(noImage.json().at("/error/message").asText().contains("image"));

        Http.Reply badPort = Http.post(berth.api() + "/templates", Templates.whoami("broken", "30m", "2h").replace("8080", "70000"));
        assertEquals(400, badPort.status());
        Http.Reply overMax = Http.post(berth.api() + "/templates", Templates.whoami("broken", "30m", "30d"));
        assertEquals(400, overMax.status());
        Http.Reply malformed = Http.post(berth.api() + "/templates", "{\"name\": ");
        assertEquals(400, malformed.status());
        assertEquals("invalid_json", malformed.json().at("/error/code").asText());
        Http.Reply unknownTemplate = Http.post(berth.api() + "/instances", "{\"template\":\"nope\",\"owner\":\"x\"}");
        assertEquals(404, unknownTemplate.status());
        Http.Reply ttlTooLong = Http.post(berth.api() + "/instances", "{\"template\":\"whoami\",\"owner\":\"x\",\"ttl\":\"3h\"}");
        assertEquals(400, ttlTooLong.status());
        assertEquals("ttl_exceeded", ttlTooLong.json().at("/error/code").asText());

        assertEquals(templatesBefore, Http.get(berth.api() + "/templates").body());
        JsonNode ownedByX = Http.get(berth.api() + "/instances?owner=x").json();
        assertEquals(0, (ownedByX.isArray() ? ownedByX : ownedByX.path("instances")).size(), "no instance half-created");
    }
}
