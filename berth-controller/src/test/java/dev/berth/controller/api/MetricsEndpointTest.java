package dev.berth.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testing.PrometheusText;
import dev.berth.testing.TestCertificates;
import dev.berth.controller.grpc.RouteWatchService;
import dev.berth.controller.grpc.WorkerStreamService;
import dev.berth.controller.lifecycle.LeaseKeeper;
import dev.berth.controller.state.Command;
import dev.berth.model.Endpoint;
import dev.berth.model.InstanceState;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.protocol.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's {@code GET /metrics} against a real single-node Raft store, over real HTTP. */
class MetricsEndpointTest {
    @TempDir
    static Path dataDir;
    static TestCluster cluster;
    static Http http;
    static final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dataDir, null);
        http = new Http(cluster.baseUrl, null);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return raw.send(HttpRequest.newBuilder(URI.create(cluster.baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static PrometheusText scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode(), r.body());
        return PrometheusText.parse(r.body());
    }

    /** Scrapes until the sample satisfies {@code until}: applied state may trail a commit by a moment. */
    static PrometheusText scrapeUntil(DoublePredicate until, String name, String... labels) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            PrometheusText m = scrape();
            double v = m.value(name, labels);
            if (until.test(v) || System.nanoTime() > deadline) {
                assertTrue(until.test(v), name + " " + String.join(",", labels) + " is still " + v);
                return m;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void textFormatWithEveryFamilyTyped() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        String type = r.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);

        PrometheusText m = PrometheusText.parse(r.body());
        Map<String, String> expected = Map.ofEntries(
                Map.entry("berth_controller_raft_term", "gauge"),
                Map.entry("berth_controller_raft_applied_index", "gauge"),
                Map.entry("berth_controller_raft_commit_index", "gauge"),
                Map.entry("berth_controller_is_leader", "gauge"),
                Map.entry("berth_instances", "gauge"),
                Map.entry("berth_workers", "gauge"),
                Map.entry("berth_route_table_version", "gauge"),
                Map.entry("berth_routes", "gauge"),
                Map.entry("berth_route_watchers", "gauge"),
                Map.entry("berth_worker_streams", "gauge"),
                Map.entry("berth_commands_total", "counter"));
        expected.forEach((name, kind) -> assertEquals(kind, m.types.get(name), name + " in " + m.types));
        // Every state and every command type is there from the start, at zero if need be.
        for (InstanceState s : InstanceState.values()) {
            assertTrue(m.value("berth_instances", "state", s.name()) >= 0);
        }
        assertEquals(0, m.value("berth_commands_total", "type", "RelaunchInstance", "result", "error"));
    }

    @Test
    void raftGaugesShowTheSingleNodeAsLeader() throws Exception {
        PrometheusText m = scrape();
        assertEquals(1, m.value("berth_controller_is_leader"));
        assertTrue(m.value("berth_controller_raft_term") >= 1);
        double applied = m.value("berth_controller_raft_applied_index");
        assertTrue(applied >= 1, "applied " + applied);
        assertTrue(m.value("berth_controller_raft_commit_index") >= applied);
        assertTrue(m.value("berth_workers", "status", "UP") >= 1);
        assertEquals(0, m.value("berth_workers", "status", "DOWN"));
        assertTrue(m.value("berth_commands_total", "type", "RegisterWorker", "result", "ok") >= 1);
    }

    @Test
    void storedCertificatesReportTheirExpiry() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Metrics Test CA");
        TestCertificates.Issued cert = TestCertificates.leaf(ca, "*.metrics.berth");
        assertEquals(200, CertificateApiTest.putWith(http, "metrics-wild", cert).status());

        PrometheusText m = scrapeUntil(v -> v > 0, "berth_certificate_expiry_timestamp_seconds", "name", "metrics-wild");
        assertEquals(cert.cert().getNotAfter().getTime() / 1000.0,
                m.value("berth_certificate_expiry_timestamp_seconds", "name", "metrics-wild"), 0.001);

        assertEquals(204, http.delete("/api/v1/certificates/metrics-wild").status());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (scrape().samples.stream().anyMatch(x -> x.labels().containsValue("metrics-wild"))) {
            assertTrue(System.nanoTime() < deadline, "a deleted certificate keeps its expiry sample");
            Thread.sleep(20);
        }
    }

    @Test
    void instanceCountsAndRoutesFollowTheState() throws Exception {
        PrometheusText before = scrape();
        double scheduled = before.value("berth_instances", "state", "SCHEDULED");
        double ready = before.value("berth_instances", "state", "READY");
        double created = before.value("berth_commands_total", "type", "CreateInstance", "result", "ok");
        double routes = before.value("berth_routes");
        double version = before.value("berth_route_table_version");

        assertEquals(200, http.put("/api/v1/templates/metrics-web", ApiServerTest.template("metrics-web", "berth/whoami:latest", 8080, "2h")).status());
        Http.Reply launch = http.post("/api/v1/instances", "{\"template\":\"metrics-web\",\"owner\":\"team-metrics\"}");
        assertEquals(201, launch.status(), launch.raw().body());
        String id = launch.json().get("id").asText();

        PrometheusText launched = scrapeUntil(v -> v == scheduled + 1, "berth_instances", "state", "SCHEDULED");
        assertEquals(created + 1, launched.value("berth_commands_total", "type", "CreateInstance", "result", "ok"));
        // A starting HTTP instance has a placeholder route (proxies answer 503 "starting"); READY gives it a backend.
        assertEquals(routes + 1, launched.value("berth_routes"));
        double launchedVersion = launched.value("berth_route_table_version");
        assertTrue(launchedVersion > version);

        cluster.store.commit(new Command.ReportInstance(id, "w1", Command.Observed.READY, null,
                Map.of("web", new Endpoint("127.0.0.1", 32768)), System.currentTimeMillis())).orThrow();

        PrometheusText up = scrapeUntil(v -> v == ready + 1, "berth_instances", "state", "READY");
        assertEquals(scheduled, up.value("berth_instances", "state", "SCHEDULED"));
        assertEquals(routes + 1, up.value("berth_routes"));
        assertTrue(up.value("berth_route_table_version") > launchedVersion);
    }

    @Test
    void refusedCommandsCountAsErrors() throws Exception {
        double before = scrape().value("berth_commands_total", "type", "DeleteTemplate", "result", "error");
        assertEquals("not_found", cluster.store.commit(new Command.DeleteTemplate("no-such-template")).error().wireName());
        scrapeUntil(v -> v == before + 1, "berth_commands_total", "type", "DeleteTemplate", "result", "error");
    }

    @Test
    void countsWorkerStreamsAndRouteWatchersOfThisController() throws Exception {
        Clock clock = Clock.systemUTC();
        WorkerStreamService workers = new WorkerStreamService(cluster.store,
                new LeaseKeeper(cluster.store, Duration.ofSeconds(10), clock), clock);
        RouteWatchService routes = new RouteWatchService(cluster.store);
        cluster.workerStreams = workers::connectedWorkers;
        cluster.routeWatchers = () -> routes.watchers().size();
        String name = "metrics-" + UUID.randomUUID();
        Server server = InProcessServerBuilder.forName(name).addService(workers).addService(routes).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try {
            assertEquals(0, scrape().value("berth_worker_streams"));
            assertEquals(0, scrape().value("berth_route_watchers"));

            BlockingQueue<ControllerMessage> toWorker = new LinkedBlockingQueue<>();
            StreamObserver<WorkerMessage> worker = WorkerServiceGrpc.newStub(channel).connect(collect(toWorker));
            worker.onNext(WorkerMessage.newBuilder().setHello(WorkerHello.newBuilder()
                    .setWorkerId("w-metrics").setAdvertiseAddress("127.0.0.1").setCapacity(5)).build());
            assertNotNull(toWorker.poll(10, TimeUnit.SECONDS), "no assignment snapshot");
            scrapeUntil(v -> v == 1, "berth_worker_streams");

            BlockingQueue<RouteUpdate> toProxy = new LinkedBlockingQueue<>();
            ClientCallStreamObserver<?>[] watchCall = new ClientCallStreamObserver<?>[1];
            RouteServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder().setProxyId("p-metrics").build(),
                    new ClientResponseObserver<WatchRequest, RouteUpdate>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                            watchCall[0] = call;
                        }

                        @Override
                        public void onNext(RouteUpdate u) {
                            toProxy.add(u);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            assertNotNull(toProxy.poll(10, TimeUnit.SECONDS), "no route snapshot");
            scrapeUntil(v -> v == 1, "berth_route_watchers");

            worker.onCompleted();
            watchCall[0].cancel("test done", null);
            scrapeUntil(v -> v == 0, "berth_worker_streams");
            scrapeUntil(v -> v == 0, "berth_route_watchers");
        } finally {
            cluster.workerStreams = () -> 0;
            cluster.routeWatchers = () -> 0;
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private static <T> StreamObserver<T> collect(BlockingQueue<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(cluster.baseUrl + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
    }
}
