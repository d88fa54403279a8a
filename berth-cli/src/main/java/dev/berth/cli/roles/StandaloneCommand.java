package dev.berth.cli.roles;

import dev.berth.controller.ControllerConfig;
import dev.berth.controller.ControllerNode;
import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.protocol.tls.NodeTls;
import dev.berth.worker.WorkerConfig;
import dev.berth.worker.WorkerNode;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every role in one JVM: a one-node Raft controller, a worker on the local Docker engine and a
 * proxy. They talk over in-process gRPC, through the same services a cluster uses on the network.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run controller, worker and proxy in one process (single-node Raft, local data dir).")
public final class StandaloneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "berth-data", description = "Raft log, snapshots and the proxy's route cache (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--api", defaultValue = "127.0.0.1:7070", converter = HostPort.class, description = "REST API address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress api;

    @Mixin
    ProxyOptions proxy;

    @Option(names = "--worker-metrics", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve the worker's Prometheus metrics at http://HOST:PORT/metrics (the controller's are at the API's /metrics, the proxy's at --metrics).")
    InetSocketAddress workerMetrics;

    @Option(names = "--tcp-ports", defaultValue = "31000-31999", converter = PortRange.Converter.class,
            description = "Proxy ports the controller hands to raw TCP instance ports (default: ${DEFAULT-VALUE}); serve them with --tcp HOST:RANGE.")
    PortRange tcpPorts;

    @Option(names = "--raft", defaultValue = "127.0.0.1:7072", converter = HostPort.class, description = "Raft port, separate from gRPC (default: ${DEFAULT-VALUE}).")
    InetSocketAddress raft;

    @Option(names = "--grpc", converter = HostPort.class, description = "Also serve workers and proxies of other hosts on this address.")
    InetSocketAddress grpc;

    @Option(names = "--domain", defaultValue = "berth.localhost", description = "Instances get <id>.<domain> (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--worker-id", defaultValue = "local", description = "This host's worker id (default: ${DEFAULT-VALUE}).")
    String workerId;

    @Option(names = "--advertise", defaultValue = "127.0.0.1", description = "Address containers' ports are published on (default: ${DEFAULT-VALUE}).")
    String advertise;

    @Option(names = "--capacity", defaultValue = "50", description = "Instances this worker accepts (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--api-token", defaultValue = "${env:BERTH_API_TOKEN}", description = "Bearer token the API requires (default: none, env BERTH_API_TOKEN).")
    String apiToken;

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Mutual TLS for --grpc (all three or none; none: plaintext, loopback only):%n")
    TlsOptions tls;

    @Override
    public Integer call() throws Exception {
        if (tls != null && grpc == null) {
            throw new ParameterException(spec.commandLine(), "--tls-cert, --tls-key and --tls-ca secure --grpc: give --grpc too");
        }
        NodeTls nodeTls = TlsOptions.toNodeTls(tls);
        NodeLifetime life = new NodeLifetime();
        try {
            String inProcess = "berth-standalone-" + UUID.randomUUID();
            RaftConfig raftConfig = new RaftConfig("standalone",
                    List.of(new RaftConfig.Peer("standalone", HostPort.text(raft))),
                    dataDir.resolve("controller"), RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD);
            life.add(new ControllerNode(new ControllerConfig(raftConfig, api, grpc, inProcess,
                    ControllerSettings.defaults(domain).withTcpPorts(tcpPorts.first(), tcpPorts.last()), blankToNull(apiToken), nodeTls)).start());

            ManagedChannel channel = InProcessChannelBuilder.forName(inProcess).build();
            life.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
            WorkerNode worker = life.add(new WorkerNode(new WorkerConfig(workerId, advertise, capacity, null, null, null), List.of(channel)));
            if (workerMetrics != null) {
                life.add(worker.serveMetrics(workerMetrics)); // binds first: a taken port fails before anything runs
            }
            worker.start();
            life.add(ProxyRole.start(spec, proxy, List.of(channel), dataDir.resolve("proxy"), "standalone-proxy"));

            System.out.printf("berth standalone ready: api http://%s/api/v1, proxy %s, instances at *.%s%n",
                    HostPort.text(api), proxy.describe(), domain);
            System.out.flush();
        } catch (RuntimeException e) {
            life.closeAll();
            throw e;
        }
        return life.runUntilStopped();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
