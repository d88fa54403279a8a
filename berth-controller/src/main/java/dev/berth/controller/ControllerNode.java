package dev.berth.controller;

import dev.berth.controller.api.ApiServer;
import dev.berth.controller.grpc.RoleCheck;
import dev.berth.controller.grpc.RouteWatchService;
import dev.berth.controller.grpc.WorkerStreamService;
import dev.berth.controller.lifecycle.LeaseKeeper;
import dev.berth.controller.lifecycle.Reaper;
import dev.berth.controller.metrics.ControllerMetrics;
import dev.berth.controller.raft.RaftStateStore;
import dev.berth.controller.service.InstanceService;
import dev.berth.controller.service.TemplateService;
import dev.berth.controller.store.StateStore;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One controller: a Raft member with the API, the node-facing gRPC services and the leader's loops. */
public final class ControllerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerNode.class);

    private final ControllerConfig config;
    private final Clock clock = Clock.systemUTC();
    private final List<Server> grpcServers = new ArrayList<>();
    private RaftStateStore store;
    private ApiServer api;
    private ScheduledExecutorService loops;
    private RouteWatchService routeWatches;
    private ControllerMetrics metrics;

    public ControllerNode(ControllerConfig config) {
        this.config = config;
    }

    /** Starts Raft, gRPC and the API; if any part cannot start, the parts already up are closed again. */
    public ControllerNode start() {
        try {
            return startParts();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ControllerNode startParts() {
        store = new RaftStateStore(config.raft(), config.tls());
        LeaseKeeper leases = new LeaseKeeper(store, config.settings().workerLease(), clock);
        Reaper reaper = new Reaper(store, config.settings().retention(), clock);
        WorkerStreamService workers = new WorkerStreamService(store, leases, clock);
        RouteWatchService routes = new RouteWatchService(store);
        routeWatches = routes;
        try {
            if (config.grpc() != null) {
                NettyServerBuilder network;
                RoleCheck roles = new RoleCheck();
                if (config.tls() != null) {
                    network = config.tls().serverBuilder(config.grpc());
                    LOG.info("gRPC on {} requires mutual TLS: {}", config.grpc(), config.tls().describe());
                } else {
                    network = NettyServerBuilder.forAddress(config.grpc());
                    if (!isLoopback(config.grpc())) {
                        LOG.warn("gRPC on {} is PLAINTEXT on a non-loopback address: anyone who reaches it can pose as a worker"
                                + " or read routes; give the controller --tls-cert, --tls-key and --tls-ca", config.grpc());
                    }
                }
                // Workers and proxies ping every 10 s to notice a dead controller; allow it, or the
                // server answers GOAWAY too_many_pings and resets every stream every half minute.
                grpcServers.add(network
                        .permitKeepAliveTime(5, TimeUnit.SECONDS)
                        .permitKeepAliveWithoutCalls(true)
                        .addService(ServerInterceptors.intercept(workers, roles))
                        .addService(ServerInterceptors.intercept(routes, roles)).build().start());
            }
            if (config.inProcessName() != null) {
                grpcServers.add(InProcessServerBuilder.forName(config.inProcessName())
                        .addService(workers).addService(routes).build().start());
            }
        } catch (IOException e) {
            // grpc-netty says "Failed to bind to address"; the reason is its cause's message.
            String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            String where = config.grpc() == null ? "in-process " + config.inProcessName()
                    : config.grpc().getHostString() + ":" + config.grpc().getPort();
            throw new UncheckedIOException("cannot listen for gRPC on " + where + ": " + why.replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", ""), e);
        }
        InstanceService instances = new InstanceService(store, config.settings(), clock);
        TemplateService templates = new TemplateService(store, config.settings());
        api = new ApiServer(config.api(), instances, templates, store, config.settings(), config.apiToken(),
                new dev.berth.controller.cluster.NodeDirectory(store, routes::watchers, clock, config.apiToken()));
        metrics = new ControllerMetrics(store, () -> routes.watchers().size(), workers::connectedWorkers);
        store.observeCommands(metrics);
        metrics.register(api.router());
        api.start();
        loops = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("controller-loops").daemon().factory());
        loops.execute(this::registerSelf);
        loops.scheduleWithFixedDelay(guard(reaper::tick), 1, 1, TimeUnit.SECONDS);
        long leaseTick = leases.interval().toMillis();
        loops.scheduleWithFixedDelay(guard(leases::tick), leaseTick, leaseTick, TimeUnit.MILLISECONDS);
        LOG.info("controller {} started: api {}, grpc {}, raft {}", config.raft().nodeId(), api.port(),
                config.grpc(), config.raft().self().address());
        return this;
    }

    /** Announces this controller's addresses through Raft, retrying until a leader commits it. */
    private void registerSelf() {
        String apiUrl = "http://" + config.api().getHostString() + ":" + api.port();
        var self = new dev.berth.model.ControllerInfo(config.raft().nodeId(), apiUrl,
                config.grpc() == null ? null : config.grpc().getHostString() + ":" + config.grpc().getPort(),
                config.raft().self().address());
        try {
            if (!self.equals(store.read(s -> s.controllers().stream()
                    .filter(c -> c.id().equals(self.id())).findFirst().orElse(null)))) {
                store.commit(new dev.berth.controller.state.Command.RegisterController(self)).orThrow();
            }
        } catch (RuntimeException e) {
            LOG.debug("controller registration not committed yet: {}", e.getMessage());
            loops.schedule(this::registerSelf, 1, TimeUnit.SECONDS);
        }
    }

    /** This controller's metrics (served at {@code /metrics} on the API port). */
    public ControllerMetrics metrics() {
        return metrics;
    }

    public RouteWatchService routeWatches() {
        return routeWatches;
    }

    private static boolean isLoopback(InetSocketAddress address) {
        return address.getAddress() != null && address.getAddress().isLoopbackAddress();
    }

    private static Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("controller loop failed: {}", e.toString());
            }
        };
    }

    public StateStore store() {
        return store;
    }

    public int apiPort() {
        return api.port();
    }

    @Override
    public void close() {
        if (loops != null) {
            loops.shutdownNow();
        }
        if (api != null) {
            api.close();
        }
        grpcServers.forEach(Server::shutdownNow);
        if (store != null) {
            store.close();
        }
    }
}
