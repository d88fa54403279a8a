package dev.berth.cli.roles;

import dev.berth.controller.ControllerConfig;
import dev.berth.controller.ControllerNode;
import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.protocol.tls.NodeTls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A control-plane member: Raft, REST API, scheduler, reaper, worker streams and route watches. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "Run a controller: a Raft member serving the API, worker streams and route watches.")
public final class ControllerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, description = "This controller's id; must be one of --peers.")
    String id;

    @Option(names = "--peers", required = true, split = ",",
            description = "The Raft group: id=host:raftPort,... (same list on every controller).")
    List<String> peers;

    @Option(names = "--data-dir", defaultValue = "berth-data", description = "Raft log and snapshots (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--api", defaultValue = "127.0.0.1:7070", converter = HostPort.class, description = "REST API address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress api;

    @Option(names = "--grpc", defaultValue = "127.0.0.1:7071", converter = HostPort.class, description = "gRPC address for workers and proxies (default: ${DEFAULT-VALUE}).")
    InetSocketAddress grpc;

    @Option(names = "--domain", defaultValue = "berth.localhost", description = "Instances get <id>.<domain> (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--snapshot-every", defaultValue = "10000", description = "Log entries between Raft snapshots (default: ${DEFAULT-VALUE}).")
    long snapshotEvery;

    @Option(names = "--tcp-ports", defaultValue = "31000-31999", converter = PortRange.Converter.class,
            description = "Proxy ports handed to raw TCP instance ports (default: ${DEFAULT-VALUE}); proxies serve them with --tcp HOST:RANGE.")
    PortRange tcpPorts;

    @Option(names = "--join", description = "Start outside the group and wait for `berth controllers add` (--peers: the running group plus this node).")
    boolean join;

    @Option(names = "--api-token", defaultValue = "${env:BERTH_API_TOKEN}", description = "Bearer token the API requires (env BERTH_API_TOKEN).")
    String apiToken;

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Mutual TLS for --grpc (all three or none; none: plaintext, loopback only):%n")
    TlsOptions tls;

    @Override
    public Integer call() throws Exception {
        List<RaftConfig.Peer> group = new ArrayList<>();
        for (String p : peers) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--peers entries are id=host:port, got '" + p + "'");
            }
            group.add(new RaftConfig.Peer(p.substring(0, eq), HostPort.text(HostPort.parse(p.substring(eq + 1)))));
        }
        if (group.stream().noneMatch(p -> p.id().equals(id))) {
            throw new ParameterException(spec.commandLine(), "--id " + id + " is not in --peers " + peers);
        }
        NodeTls nodeTls = TlsOptions.toNodeTls(tls);
        NodeLifetime life = new NodeLifetime();
        life.add(new ControllerNode(new ControllerConfig(new RaftConfig(id, group, dataDir, snapshotEvery, join),
                api, grpc, null, ControllerSettings.defaults(domain).withTcpPorts(tcpPorts.first(), tcpPorts.last()), StandaloneCommand.blankToNull(apiToken), nodeTls)).start());
        System.out.printf("berth controller %s ready: api http://%s/api/v1, grpc %s (%s)%n", id, HostPort.text(api), HostPort.text(grpc),
                nodeTls == null ? "plaintext" : "mutual TLS");
        System.out.flush();
        return life.runUntilStopped();
    }
}
