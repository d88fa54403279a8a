package dev.berth.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API against a real single-node Raft store, over real HTTP. */
class ApiServerTest {
    @TempDir
    static Path dataDir;
    static TestCluster cluster;
    static Http http;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dataDir, null);
        http = new Http(cluster.baseUrl, null);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static String template(String name, String image, int port, String maxTtl) {
        return """
                {"name":"%s","image":"%s","ports":[{"name":"web","containerPort":%d,"protocol":"http"}],
                 "env":{"FLAG":"flag{${instance.id}}"},"ttl":{"default":"30m","max":"%s"}}
                """.formatted(name, image, port, maxTtl);
    }

    static void putTemplate(String name) {
        Http.Reply r = http.put("/api/v1/templates/" + name, template(name, "berth/whoami:latest", 8080, "2h"));
        assertEquals(200, r.status(), r.raw().body());
    }

    static JsonNode launch(String template, String owner, String ttl) {
        String ttlField = ttl == null ? "" : ",\"ttl\":\"" + ttl + "\"";
        Http.Reply r = http.post("/api/v1/instances", "{\"template\":\"" + template + "\",\"owner\":\"" + owner + "\"" + ttlField + "}");
        assertEquals(201, r.status(), r.raw().body());
        return r.json();
    }

    @Test
    void health() {
        Http.Reply r = http.get("/api/v1/health");
        assertEquals(200, r.status());
        assertEquals("ok", r.json().get("status").asText());
        assertEquals("c1", r.json().get("node").asText());
        assertEquals("LEADER", r.json().get("role").asText());
        assertEquals("c1", r.json().get("leader").asText());
    }

    @Test
    void templateCrudRoundTrip() {
        Http.Reply put = http.put("/api/v1/templates/crud", template("crud", "berth/whoami:latest", 8080, "2h"));
        assertEquals(200, put.status(), put.raw().body());

        JsonNode got = http.get("/api/v1/templates/crud").json();
        assertEquals("berth/whoami:latest", got.get("image").asText());
        assertEquals(8080, got.get("ports").get(0).get("containerPort").asInt());
        assertEquals("http", got.get("ports").get(0).get("protocol").asText());
        assertEquals("2h", got.get("ttl").get("max").asText());

        String yaml = """
                image: berth/whoami:v2
                ports:
                  - name: web
                    containerPort: 9090
                """;
        Http.Reply replaced = http.send("PUT", "/api/v1/templates/crud", yaml, "application/yaml");
        assertEquals(200, replaced.status(), replaced.raw().body());
        assertEquals("crud", replaced.json().get("name").asText(), "the path names a body without a name");
        assertEquals("berth/whoami:v2", http.get("/api/v1/templates/crud").json().get("image").asText());

        Http.Reply created = http.post("/api/v1/templates", template("crud-post", "nginx", 80, "1h"));
        assertEquals(201, created.status(), created.raw().body());
        assertTrue(names().contains("\"crud\"") && names().contains("\"crud-post\""), names());

        assertEquals(204, http.delete("/api/v1/templates/crud-post").status());
        Http.Reply gone = http.get("/api/v1/templates/crud-post");
        assertEquals(404, gone.status());
        assertEquals("not_found", gone.code());
        assertEquals(404, http.delete("/api/v1/templates/crud-post").status());
    }

    private static String names() {
        return http.get("/api/v1/templates").json().findValues("name").toString();
    }

    static Stream<Arguments> badTemplates() {
        return Stream.of(
                Arguments.of("missing image", "{\"name\":\"bad\",\"ports\":[{\"name\":\"web\",\"containerPort\":80}]}", "invalid_template", "image: is missing"),
                Arguments.of("port 0", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":0}]}", "invalid_template", "must be 1-65535, got 0"),
                Arguments.of("port 70000", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":70000}]}", "invalid_template", "must be 1-65535, got 70000"),
                Arguments.of("ttl over cluster", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":80}],\"ttl\":{\"max\":\"30d\"}}", "invalid_template", "over the cluster's limit"),
                Arguments.of("unknown field", "{\"name\":\"bad\",\\n\"image\":\"x\",\\n\"imagee\":\"y\"}", "invalid_json", "unknown field 'imagee' at line 3"),
                Arguments.of("malformed json", "{\"name\":\"bad\",\"image\":", "invalid_json", "at line 1"),
                Arguments.of("trailing garbage", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":80}]} xyz", "invalid_json", "at line 1"),
                Arguments.of("bad duration", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":80}],\"ttl\":{\"max\":\"soon\"}}", "invalid_json", "ttl: bad duration 'soon'"),
                Arguments.of("wrong type", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":\"eighty\"}]}", "invalid_json", "ports[0].containerPort: expected a number, got \"eighty\""),
                Arguments.of("bad protocol", "{\"name\":\"bad\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":80,\"protocol\":\"udp\"}]}", "invalid_json", "unknown protocol 'udp'"),
                Arguments.of("name mismatch", "{\"name\":\"other\",\"image\":\"x\",\"ports\":[{\"name\":\"web\",\"containerPort\":80}]}", "invalid_request", "does not match"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTemplates")
    void badTemplatesAreRefusedAndChangeNothing(String what, String body, String code, String messagePart) {
        String before = http.get("/api/v1/templates").raw().body();
        Http.Reply r = http.put("/api/v1/templates/bad", body.replace("\\n", "\n"));
        assertEquals(400, r.status(), r.raw().body());
        assertEquals(code, r.code(), r.raw().body());
        assertTrue(r.message().contains(messagePart), "message: " + r.message());
        assertEquals(before, http.get("/api/v1/templates").raw().body());
        assertEquals(404, http.get("/api/v1/templates/bad").status());
    }

    @Test
    void badYamlTemplateNamesTheLine() {
        Http.Reply r = http.send("PUT", "/api/v1/templates/bad", "name: bad\nimage: x\n  ports: : 3\n", "text/yaml");
        assertEquals(400, r.status());
        assertEquals("invalid_json", r.code());
        assertTrue(r.message().contains("line 3"), r.message());
    }

    @Test
    void launchGivesAHexHostname() {
        putTemplate("launch");
        JsonNode i = launch("launch", "team42", "45m");
        String id = i.get("id").asText();
        assertTrue(id.matches("[0-9a-f]{10}"), id);
        assertEquals(id + "." + TestCluster.DOMAIN, i.get("hostname").asText());
        assertEquals("http://" + id + "." + TestCluster.DOMAIN + "/", i.get("url").asText());
        assertEquals("SCHEDULED", i.get("state").asText());
        assertEquals("team42", i.get("owner").asText());
        assertEquals("flag{" + id + "}", i.get("env").get("FLAG").asText());
        long remaining = i.get("remainingSeconds").asLong();
        assertTrue(remaining > 44 * 60 && remaining <= 45 * 60, "remaining " + remaining);
        assertNotNull(i.get("expiresAtIso").asText());
        assertNotNull(i.get("createdAtIso").asText());

        JsonNode again = http.get("/api/v1/instances/" + id).json();
        assertEquals(i.get("hostname"), again.get("hostname"));
    }

    @Test
    void launchRefusals() {
        putTemplate("refusals");
        int before = http.get("/api/v1/instances").json().size();

        Http.Reply unknown = http.post("/api/v1/instances", "{\"template\":\"nope\",\"owner\":\"t\"}");
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.code());

        Http.Reply tooLong = http.post("/api/v1/instances", "{\"template\":\"refusals\",\"owner\":\"t\",\"ttl\":\"3h\"}");
        assertEquals(400, tooLong.status());
        assertEquals("ttl_exceeded", tooLong.code());

        Http.Reply badTtl = http.post("/api/v1/instances", "{\"template\":\"refusals\",\"owner\":\"t\",\"ttl\":\"later\"}");
        assertEquals("invalid_request", badTtl.code());

        Http.Reply badOwner = http.post("/api/v1/instances", "{\"template\":\"refusals\",\"owner\":\"a b\"}");
        assertEquals("invalid_request", badOwner.code());

        Http.Reply unknownField = http.post("/api/v1/instances", "{\"template\":\"refusals\",\"owner\":\"t\",\"tll\":\"1m\"}");
        assertEquals("invalid_json", unknownField.code());
        assertTrue(unknownField.message().contains("unknown field 'tll'"), unknownField.message());

        Http.Reply empty = http.post("/api/v1/instances", "");
        assertEquals("invalid_json", empty.code());

        assertEquals(before, http.get("/api/v1/instances").json().size(), "nothing half-created");
    }

    @Test
    void extendWithinAndPastTheMax() {
        putTemplate("extend");
        JsonNode i = launch("extend", "team-x", "30m");
        String id = i.get("id").asText();
        long expires = i.get("expiresAt").asLong();

        Http.Reply ok = http.post("/api/v1/instances/" + id + "/extend", "{\"by\":\"30m\"}");
        assertEquals(200, ok.status(), ok.raw().body());
        assertEquals(expires + 30 * 60_000, ok.json().get("expiresAt").asLong());

        Http.Reply past = http.post("/api/v1/instances/" + id + "/extend", "{\"by\":\"2h\"}");
        assertEquals(400, past.status());
        assertEquals("ttl_exceeded", past.code());
        assertEquals(expires + 30 * 60_000, http.get("/api/v1/instances/" + id).json().get("expiresAt").asLong(), "expiry unchanged");

        assertEquals("invalid_request", http.post("/api/v1/instances/" + id + "/extend", "{}").code());
        assertEquals("not_found", http.post("/api/v1/instances/0000000000/extend", "{\"by\":\"1m\"}").code());
    }

    @Test
    void stopAndDelete() {
        putTemplate("stop");
        String a = launch("stop", "stopper", null).get("id").asText();
        String b = launch("stop", "stopper", null).get("id").asText();

        Http.Reply stopped = http.post("/api/v1/instances/" + a + "/stop", null);
        assertEquals(200, stopped.status(), stopped.raw().body());
        assertEquals("STOPPING", stopped.json().get("state").asText());

        Http.Reply deleted = http.delete("/api/v1/instances/" + b);
        assertEquals(200, deleted.status());
        assertEquals("STOPPING", deleted.json().get("state").asText());

        assertEquals(409, http.delete("/api/v1/templates/stop").status(), "instances still live from it");
        assertEquals("not_found", http.post("/api/v1/instances/ffffffffff/stop", null).code());
    }

    @Test
    void listFilters() {
        putTemplate("list");
        String a = launch("list", "lister-1", null).get("id").asText();
        launch("list", "lister-2", null);
        http.post("/api/v1/instances/" + a + "/stop", null);

        JsonNode mine = http.get("/api/v1/instances?owner=lister-1").json();
        assertEquals(1, mine.size());
        assertEquals(a, mine.get(0).get("id").asText());
        assertEquals(1, http.get("/api/v1/instances?owner=lister-1&state=stopping").json().size());
        assertEquals(0, http.get("/api/v1/instances?owner=lister-1&state=READY").json().size());

        Http.Reply bad = http.get("/api/v1/instances?state=sleeping");
        assertEquals(400, bad.status());
        assertEquals("invalid_request", bad.code());
        assertTrue(bad.message().contains("pending"), bad.message());
    }

    @Test
    void nodes() {
        JsonNode n = http.get("/api/v1/nodes").json();
        assertEquals("c1", n.get("controllers").get(0).get("nodeId").asText());
        assertEquals("w1", n.get("workers").get(0).get("id").asText());
        assertEquals("UP", n.get("workers").get(0).get("status").asText());
    }

    @Test
    void protocolErrorsUseTheOneShape() {
        Http.Reply unknownPath = http.get("/api/v1/nope");
        assertEquals(404, unknownPath.status());
        assertEquals("not_found", unknownPath.code());
        assertEquals("not_found", http.get("/").code());

        Http.Reply wrongMethod = http.send("PATCH", "/api/v1/templates", "{}", "application/json");
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.code());
        assertEquals("GET, POST", wrongMethod.raw().headers().firstValue("Allow").orElse(""));

        Http.Reply text = http.send("PUT", "/api/v1/templates/x", "name: x", "text/plain");
        assertEquals(415, text.status());
        assertEquals("unsupported_media_type", text.code());
        Http.Reply yamlLaunch = http.send("POST", "/api/v1/instances", "template: x", "application/yaml");
        assertEquals(415, yamlLaunch.status(), "launch bodies are JSON only");

        String huge = "{\"name\":\"big\",\"image\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES) + "\"}";
        Http.Reply tooLarge = http.put("/api/v1/templates/big", huge);
        assertEquals(413, tooLarge.status());
        assertEquals("payload_too_large", tooLarge.code());
        assertEquals(404, http.get("/api/v1/templates/big").status());
    }

    @Test
    void unexpectedFailureIs500WithTheShape() {
        cluster.api.router().get("/api/v1/test/boom", req -> {
            throw new IllegalStateException("boom");
        });
        Http.Reply r = http.get("/api/v1/test/boom");
        assertEquals(500, r.status());
        assertEquals("internal", r.code());
    }
}
