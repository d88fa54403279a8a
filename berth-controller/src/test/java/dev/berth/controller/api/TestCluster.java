package dev.berth.controller.api;

import dev.berth.controller.metrics.ControllerMetrics;
import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.raft.RaftStateStore;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.controller.service.InstanceService;
import dev.berth.controller.service.TemplateService;
import dev.berth.controller.state.Command;
import dev.berth.testing.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/** A real single-node Raft store with one registered worker, and the API (with /metrics) on a free port. */
final class TestCluster implements AutoCloseable {
    static final String DOMAIN = "test.berth";

    final RaftStateStore store;
    final ApiServer api;
    final String baseUrl;
    final ControllerMetrics metrics;
    /** What the metrics report as proxies and workers streaming from this controller; tests may replace them. */
    volatile IntSupplier routeWatchers = () -> 0;
    volatile IntSupplier workerStreams = () -> 0;

    TestCluster(Path dataDir, String token) {
        RaftConfig config = new RaftConfig("c1", List.of(new RaftConfig.Peer("c1", "127.0.0.1:" + Ports.free())),
                dataDir, RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD);
        store = new RaftStateStore(config);
        metrics = new ControllerMetrics(store, () -> routeWatchers.getAsInt(), () -> workerStreams.getAsInt());
        store.observeCommands(metrics);
        long now = System.currentTimeMillis();
        // Launches need an UP worker with capacity; nothing reaps its lease in these tests.
        store.commit(new Command.RegisterWorker("w1", "127.0.0.1:1", 100, now, now + Duration.ofHours(1).toMillis()));
        ControllerSettings settings = ControllerSettings.defaults(DOMAIN);
        api = new ApiServer(new InetSocketAddress("127.0.0.1", 0),
                new InstanceService(store, settings, Clock.systemUTC()), new TemplateService(store, settings),
                store, settings, token);
        metrics.register(api.router());
        api.start();
        baseUrl = "http://127.0.0.1:" + api.port();
    }

    @Override
    public void close() {
        api.close();
        store.close();
    }
}
