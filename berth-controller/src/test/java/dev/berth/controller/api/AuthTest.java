package dev.berth.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.testing.PrometheusText;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a token configured, every endpoint but health and metrics wants it. */
class AuthTest {
    @TempDir
    static Path dataDir;
    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dataDir, "s3cret-token");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void missingTokenIs401() {
        Http.Reply r = new Http(cluster.baseUrl, null).get("/api/v1/templates");
        assertEquals(401, r.status());
        assertEquals("unauthorized", r.code());
        assertEquals("Bearer realm=\"berth\"", r.raw().headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, new Http(cluster.baseUrl, null).get("/api/v1/no-such-path").status(), "no probing without a token");
    }

    @Test
    void certificatesNeedTheTokenLikeEveryWrite() {
        Http anonymous = new Http(cluster.baseUrl, null);
        assertEquals(401, anonymous.put("/api/v1/certificates/web", "{\"certificate\":\"x\",\"key\":\"y\"}").status());
        assertEquals(401, anonymous.get("/api/v1/certificates").status());
        assertEquals(401, anonymous.delete("/api/v1/certificates/web").status());
        assertEquals(404, new Http(cluster.baseUrl, "s3cret-token").get("/api/v1/certificates/web").status(), "let in with it");
    }

    @Test
    void wrongTokenIs401() {
        Http.Reply r = new Http(cluster.baseUrl, "s3cret-tokeN").post("/api/v1/instances", "{}");
        assertEquals(401, r.status());
        assertEquals("unauthorized", r.code());
    }

    @Test
    void rightTokenIsLetIn() {
        Http.Reply r = new Http(cluster.baseUrl, "s3cret-token").get("/api/v1/templates");
        assertEquals(200, r.status());
    }

    @Test
    void metricsAreOpen() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.baseUrl + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, PrometheusText.parse(r.body()).value("berth_controller_is_leader"));
    }

    @Test
    void healthIsOpen() {
        assertEquals(200, new Http(cluster.baseUrl, null).get("/api/v1/health").status());
    }
}
