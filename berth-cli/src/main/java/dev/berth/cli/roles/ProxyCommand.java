package dev.berth.cli.roles;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** Routing only: knows nothing but the route table it watches and keeps on disk. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run a proxy: routes by Host to instances on any worker, from the watched (and cached) route table.")
public final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This proxy's id (shown in `berth nodes`).")
    String id;

    @Mixin
    ControllerLink controllers;

    @Mixin
    ProxyOptions proxy;

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "berth-data", description = "Route cache; the proxy routes from it before any controller answers (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        NodeLifetime life = new NodeLifetime();
        List<ManagedChannel> channels = controllers.open(life);
        life.add(ProxyRole.start(spec, proxy, channels, dataDir.resolve("proxy"), id));
        System.out.printf("berth proxy %s ready: %s (controllers %s)%n", id, proxy.describe(), controllers);
        System.out.flush();
        return life.runUntilStopped();
    }
}
