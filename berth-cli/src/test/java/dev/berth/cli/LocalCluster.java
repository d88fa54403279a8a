package dev.berth.cli;

import dev.berth.controller.api.ApiServer;
import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.raft.RaftStateStore;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.controller.service.InstanceService;
import dev.berth.controller.service.TemplateService;
import dev.berth.controller.state.Command;
import dev.berth.model.Endpoint;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.testing.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real single-node Raft store and the API in the test JVM, plus a stand-in worker that moves
 * instances along by owner: "ready-*" become READY, "doomed-*" FAILED, everything else stays put.
 */
final class LocalCluster implements AutoCloseable {
    static final String DOMAIN = "test.berth";

    final RaftStateStore store;
    final ApiServer api;
    final String url;
    private final Thread worker;

    LocalCluster(Path dataDir) {
        this(dataDir, null);
    }

    LocalCluster(Path dataDir, String token) {
        store = new RaftStateStore(new RaftConfig("c1", List.of(new RaftConfig.Peer("c1", "127.0.0.1:" + Ports.free())),
                dataDir, RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD));
        long now = System.currentTimeMillis();
        store.commit(new Command.RegisterWorker("w1", "127.0.0.1:1", 100, now, now + Duration.ofHours(1).toMillis()));
        ControllerSettings settings = ControllerSettings.defaults(DOMAIN);
        api = new ApiServer(new InetSocketAddress("127.0.0.1", 0), new InstanceService(store, settings, Clock.systemUTC()),
                new TemplateService(store, settings), store, settings, token).start();
        url = "http://127.0.0.1:" + api.port();
        worker = Thread.ofVirtual().name("fake-worker").start(this::work);
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            List<Instance> scheduled = store.read(s -> s.instances().stream()
                    .filter(i -> i.state() == InstanceState.SCHEDULED).toList());
            for (Instance i : scheduled) {
                long at = System.currentTimeMillis();
                if (i.owner().startsWith("ready-")) {
                    store.commit(new Command.ReportInstance(i.id(), i.workerId(), Command.Observed.READY, "ready",
                            Map.of("web", new Endpoint("127.0.0.1", 1)), at));
                } else if (i.owner().startsWith("doomed-")) {
                    store.commit(new Command.ReportInstance(i.id(), i.workerId(), Command.Observed.FAILED,
                            "image not found", Map.of(), at));
                }
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        worker.interrupt();
        worker.join();
        api.close();
        store.close();
    }
}
