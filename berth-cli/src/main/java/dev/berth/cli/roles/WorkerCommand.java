package dev.berth.cli.roles;

import dev.berth.worker.WorkerConfig;
import dev.berth.worker.WorkerNode;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** A data-plane host: runs assigned instances on the local Docker engine, and a proxy unless told not to. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: containers through Docker, reconciled with the controllers' assignments; plus a proxy.")
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This worker's id, unique in the cluster.")
    String id;

    @Mixin
    ControllerLink controllers;

    @Option(names = "--advertise", defaultValue = "127.0.0.1", description = "Address containers' ports are published on and proxies connect to (default: ${DEFAULT-VALUE}).")
    String advertise;

    @Option(names = "--capacity", defaultValue = "50", description = "Instances this worker accepts (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--worker-metrics", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve this worker's Prometheus metrics at http://HOST:PORT/metrics (the proxy's are --metrics).")
    InetSocketAddress workerMetrics;

    @Mixin
    ProxyOptions proxy;

    @Spec
    CommandSpec spec;

    @Option(names = "--no-proxy", description = "Do not run a proxy on this worker.")
    boolean noProxy;

    @Option(names = "--data-dir", defaultValue = "berth-data", description = "The proxy's route cache (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        NodeLifetime life = new NodeLifetime();
        List<ManagedChannel> channels = controllers.open(life);
        WorkerNode worker = life.add(new WorkerNode(new WorkerConfig(id, advertise, capacity, null, null, null), channels));
        if (workerMetrics != null) {
            life.add(worker.serveMetrics(workerMetrics)); // binds first: a taken port fails before anything runs
        }
        worker.start();
        if (!noProxy) {
            life.add(ProxyRole.start(spec, proxy, channels, dataDir.resolve("proxy"), id + "-proxy"));
        }
        System.out.printf("berth worker %s ready (controllers %s)%s%s%n", id, controllers,
                workerMetrics == null ? "" : ", metrics http://" + HostPort.text(workerMetrics) + "/metrics",
                noProxy ? "" : ", proxy " + proxy.describe());
        System.out.flush();
        return life.runUntilStopped();
    }
}
