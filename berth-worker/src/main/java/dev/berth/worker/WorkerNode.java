package dev.berth.worker;

import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.worker.agent.WorkerAgent;
import dev.berth.worker.metrics.MetricsServer;
import dev.berth.worker.metrics.WorkerMetrics;
import dev.berth.worker.readiness.ReadinessProbe;
import dev.berth.worker.reconcile.Reconciler;
import dev.berth.worker.runtime.ContainerRuntime;
import dev.berth.worker.runtime.DockerContainerRuntime;
import io.grpc.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A whole worker: Docker runtime, reconciler and agent wired together. Closing it stops
 * Berth's side only; containers keep running so that the next start adopts them.
 */
public final class WorkerNode implements AutoCloseable {
    private final WorkerConfig config;
    private final ContainerRuntime runtime;
    private final boolean ownsRuntime;
    private final Reconciler reconciler;
    private final WorkerAgent agent;
    private final WorkerMetrics metrics;

    /** A worker on the Docker Engine named by the config, talking to these controllers. */
    public WorkerNode(WorkerConfig config, List<? extends Channel> controllers) {
        this(config, controllers,
                DockerContainerRuntime.connect(config.dockerHost(), config.workerId(), config.advertiseAddress()), true);
    }

    /** A worker on a runtime the caller owns (and closes). */
    public WorkerNode(WorkerConfig config, List<? extends Channel> controllers, ContainerRuntime runtime) {
        this(config, controllers, runtime, false);
    }

    private WorkerNode(WorkerConfig config, List<? extends Channel> controllers, ContainerRuntime runtime, boolean ownsRuntime) {
        this.config = config;
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        // The reconciler reports through the agent and the agent feeds the reconciler: the
        // cycle is closed by a method that reads the agent field only once reports flow (after start()).
        this.metrics = new WorkerMetrics(this::currentReports, this::connected);
        this.reconciler = new Reconciler(runtime, config.advertiseAddress(), config.resyncInterval(), new ReadinessProbe(),
                this::report, metrics);
        WorkerHello hello = WorkerHello.newBuilder()
                .setWorkerId(config.workerId())
                .setAdvertiseAddress(config.advertiseAddress())
                .setCapacity(config.capacity())
                .build();
        this.agent = new WorkerAgent(hello, controllers, reconciler, config.heartbeatInterval());
    }

    private void report(InstanceReport report) {
        agent.send(report);
    }

    // The metrics are built before the reconciler and the agent: they read them only when scraped.
    private Map<String, InstanceReport> currentReports() {
        return reconciler.currentReports();
    }

    private boolean connected() {
        return agent.connected();
    }

    public void start() {
        reconciler.start();
        agent.start();
    }

    public WorkerConfig config() {
        return config;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public WorkerAgent agent() {
        return agent;
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /** Serves this worker's metrics at {@code http://bind/metrics} until the returned server is closed. */
    public MetricsServer serveMetrics(InetSocketAddress bind) {
        return new MetricsServer(bind, WorkerMetrics.contentType(), metrics::scrape).start();
    }

    @Override
    public void close() {
        agent.close();
        reconciler.close();
        if (ownsRuntime) {
            runtime.close();
        }
    }
}
