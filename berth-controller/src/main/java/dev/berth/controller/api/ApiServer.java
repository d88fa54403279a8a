package dev.berth.controller.api;

import com.sun.net.httpserver.HttpServer;
import dev.berth.controller.cluster.NodeDirectory;
import dev.berth.controller.service.CertificateService;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.controller.service.InstanceService;
import dev.berth.controller.service.TemplateService;
import dev.berth.controller.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Berth's REST API under {@code /api/v1} on the JDK's HTTP server. One virtual thread per
 * exchange: endpoints block on Raft commits, and virtual threads make that cheap.
 * Binds in the constructor, so a taken port fails at startup rather than on first use.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Router router = new Router();
    private final ControllerSettings settings;

    /**
     * @param bind     where to listen; port 0 picks a free one (see {@link #port()})
     * @param apiToken the bearer token every request but health must carry; null or empty: no auth
     */
    public ApiServer(InetSocketAddress bind, InstanceService instances, TemplateService templates,
                     StateStore store, ControllerSettings settings, String apiToken) {
        this(bind, instances, templates, store, settings, apiToken,
                new NodeDirectory(store, java.util.List::of, Clock.systemUTC(), apiToken));
    }

    /** @param directory the cluster view behind {@code /nodes}: peers' status and this controller's proxies */
    public ApiServer(InetSocketAddress bind, InstanceService instances, TemplateService templates,
                     StateStore store, ControllerSettings settings, String apiToken, NodeDirectory directory) {
        this.settings = settings;
        new ClusterEndpoints(store, directory).register(router);
        new TemplateEndpoints(templates).register(router);
        new InstanceEndpoints(instances, new InstanceView(Clock.systemUTC())).register(router);
        new CertificateEndpoints(new CertificateService(store, Clock.systemUTC())).register(router);
        try {
            this.server = HttpServer.create(bind, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for the API on " + bind.getHostString() + ":" + bind.getPort()
                    + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", new ApiDispatcher(router, new BearerAuth(apiToken)));
    }

    /** For more endpoints (dashboard data, cluster views); add them before {@link #start()}. */
    public Router router() {
        return router;
    }

    public ControllerSettings settings() {
        return settings;
    }

    public ApiServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
