package dev.berth.worker;

import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.worker.agent.WorkerAgent;
import dev.berth.worker.reconcile.Reconciler;
import dev.berth.worker.runtime.ContainerRuntime;
import dev.berth.worker.runtime.DockerContainerRuntime;
import io.grpc.Channel;
import java.util.List;

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
        this.reconciler = new Reconciler(runtime, config.advertiseAddress(), config.resyncInterval(), this::report);
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

    @Override
    public void close() {
        agent.close();
        reconciler.close();
        if (ownsRuntime) {
            runtime.close();
        }
    }
}
