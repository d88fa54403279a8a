package dev.berth.cli.roles;

import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Routing only: knows nothing but the route table it watches and keeps on disk. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run a proxy: routes by Host to instances on any worker, from the watched (and cached) route table.")
public final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This proxy's id (shown in `berth nodes`).")
    String id;

    @Option(names = "--controllers", required = true, split = ",", converter = HostPort.class,
            description = "Controllers' gRPC addresses host:port,...; the proxy fails over between them.")
    List<InetSocketAddress> controllers;

    @Option(names = "--http", defaultValue = "127.0.0.1:8080", converter = HostPort.class, description = "HTTP entrypoint (default: ${DEFAULT-VALUE}).")
    InetSocketAddress http;

    @Option(names = "--data-dir", defaultValue = "berth-data", description = "Route cache; the proxy routes from it before any controller answers (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Mutual TLS to the controllers (all three or none; none: plaintext, loopback only):%n")
    TlsOptions tls;

    @Option(names = "--threads", defaultValue = "0", description = "Event-loop threads; 0: two per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        NodeLifetime life = new NodeLifetime();
        List<ManagedChannel> channels = Controllers.channels(controllers, TlsOptions.toNodeTls(tls));
        life.add(Controllers.closer(channels));
        life.add(ProxyRole.start(channels, http, dataDir.resolve("proxy"), id, threads));
        System.out.printf("berth proxy %s ready: http://%s (controllers %s)%n", id, HostPort.text(http), controllers);
        System.out.flush();
        return life.runUntilStopped();
    }
}
