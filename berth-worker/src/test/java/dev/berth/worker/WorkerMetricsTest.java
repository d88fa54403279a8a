package dev.berth.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.protocol.v1.AssignmentDelta;
import dev.berth.protocol.v1.AssignmentSnapshot;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.worker.metrics.MetricsServer;
import dev.berth.worker.testing.Assignments;
import dev.berth.worker.testing.FakeContainerRuntime;
import dev.berth.worker.testing.FakeController;
import dev.berth.testing.PrometheusText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's metrics endpoint over real HTTP, with a fake container runtime and a fake controller. */
class WorkerMetricsTest {
    private final FakeContainerRuntime runtime = new FakeContainerRuntime();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServerSocket listener; // the process inside the fake containers
    private FakeController controller;
    private WorkerNode node;
    private MetricsServer metrics;

    @BeforeEach
    void setUp() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        controller = new FakeController(false);
        node = new WorkerNode(new WorkerConfig("w-metrics", "127.0.0.1", 10, Duration.ofMillis(100), Duration.ofMillis(100), null),
                List.of(controller.channel()), runtime);
        metrics = node.serveMetrics(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        metrics.close();
        node.close();
        controller.close();
        listener.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        String type = r.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        return PrometheusText.parse(r.body());
    }

    /** Scrapes until every expected sample (name{label=value} or name) has its value; fails after 10 s. */
    private PrometheusText awaitValues(Map<String, Double> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            PrometheusText m = scrape();
            boolean all = true;
            for (var e : expected.entrySet()) {
                all &= valueOf(m, e.getKey()) == e.getValue();
            }
            if (all) {
                return m;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder got = new StringBuilder();
                expected.keySet().forEach(k -> got.append(k).append('=').append(valueOf(m, k)).append(' '));
                throw new AssertionError("metrics did not reach " + expected + "; last scrape: " + got);
            }
            Thread.sleep(20);
        }
    }

    private static double valueOf(PrometheusText m, String sample) {
        int brace = sample.indexOf('{');
        if (brace < 0) {
            return m.value(sample);
        }
        String[] kv = sample.substring(brace + 1, sample.length() - 1).split("=", 2);
        return m.value(sample.substring(0, brace), kv[0], kv[1]);
    }

    @Test
    void countersFollowStartsRemovalsAndReadinessFailures() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        runtime.addRunning("orphan", Map.of());

        PrometheusText before = scrape();
        for (String family : List.of("berth_worker_instances", "berth_worker_connected")) {
            assertEquals("gauge", before.types.get(family), family);
        }
        for (String family : List.of("berth_worker_container_starts_total", "berth_worker_container_removals_total",
                "berth_worker_readiness_failures_total")) {
            assertEquals("counter", before.types.get(family), family);
            assertEquals(0, before.value(family), family);
        }
        assertEquals(0, before.value("berth_worker_connected"));

        node.start();
        FakeController.Stream stream = controller.nextStream();
        assertTrue(stream.next().hasHello());
        awaitValues(Map.of("berth_worker_connected", 1.0));

        stream.send(ControllerMessage.newBuilder().setSnapshot(AssignmentSnapshot.newBuilder()
                .addAssignments(Assignments.withPort("i1", "web", listener.getLocalPort(), 5_000))
                .addAssignments(Assignments.withPort("i2", "db", deadPort, 300))).build());

        awaitValues(Map.of(
                "berth_worker_container_starts_total", 2.0,
                "berth_worker_container_removals_total", 1.0, // the orphan
                "berth_worker_readiness_failures_total", 1.0,
                "berth_worker_instances{state=READY}", 1.0,
                "berth_worker_instances{state=FAILED}", 1.0,
                "berth_worker_instances{state=STARTING}", 0.0));

        stream.send(ControllerMessage.newBuilder().setDelta(AssignmentDelta.newBuilder()
                .addRemovedInstanceIds("i1").addRemovedInstanceIds("i2")).build());

        awaitValues(Map.of(
                "berth_worker_container_starts_total", 2.0,
                "berth_worker_container_removals_total", 3.0,
                "berth_worker_instances{state=READY}", 0.0,
                "berth_worker_instances{state=FAILED}", 0.0));
        assertEquals(2, runtime.starts.get());
        assertEquals(3, runtime.removes.get());
    }

    @Test
    void onlyGetOnMetrics() throws Exception {
        assertEquals(404, send("GET", "/").statusCode());
        assertEquals(404, send("GET", "/metricsx").statusCode());
        HttpResponse<String> post = send("POST", "/metrics");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(200, send("HEAD", "/metrics").statusCode());
    }
}
