package dev.berth.proxy;

import dev.berth.model.RouteKey;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.metrics.PrometheusMetrics;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.watch.RouteCache;
import dev.berth.proxy.watch.RouteWatcher;
import io.grpc.Channel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole proxy: the cached table (so it routes before any controller answers), the listeners,
 * and the route watch. What {@code berth proxy}, {@code berth worker} and {@code berth standalone}
 * run.
 */
public final class ProxyNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyNode.class);

    /**
     * @param proxy       listeners and limits
     * @param cacheFile   where the last table is kept across restarts; {@code null} for none
     * @param controllers channels to controllers' RouteService (built and owned by the caller); empty: no watch
     * @param watch       watch tuning and this proxy's id
     * @param metrics     where to report; {@code null}: a {@link PrometheusMetrics} of this node's own
     *                    (see {@link ProxyNode#metrics()}), with route-table and watch gauges
     */
    public record Settings(ProxyConfig proxy, Path cacheFile, List<? extends Channel> controllers,
                           RouteWatcher.Options watch, ProxyMetrics metrics) {
        public Settings {
            Objects.requireNonNull(proxy, "proxy");
            controllers = List.copyOf(controllers);
            Objects.requireNonNull(watch, "watch");
        }
    }

    private final Settings settings;
    private final RouteTableHolder routes = new RouteTableHolder();
    private final RouteCache cache;
    private final ProxyServer server;
    private final ProxyMetrics metrics;
    private volatile RouteWatcher watcher;

    public ProxyNode(Settings settings) {
        this.settings = settings;
        this.cache = settings.cacheFile() == null ? null : new RouteCache(settings.cacheFile());
        this.metrics = settings.metrics() != null ? settings.metrics() : new PrometheusMetrics()
                .gauge("berth_proxy_route_table_version", "Version (controller log index) of the route table in use",
                        () -> routes.current().version())
                .gauge("berth_proxy_routes", "Routes in the table in use", () -> routes.current().size())
                .gauge("berth_proxy_route_watch_connected", "1 while a route stream to a controller is open", () -> {
                    RouteWatcher w = watcher;
                    return w != null && w.isStreaming() ? 1 : 0;
                });
        if (metrics instanceof PrometheusMetrics prometheus) {
            // The request series' route label is the route's host: series of routes long gone are dropped.
            prometheus.routedBy(host -> routes.current().asMap().containsKey(RouteKey.http(host)));
            routes.addListener(table -> prometheus.maybePrune());
        }
        this.server = new ProxyServer(settings.proxy(), routes, metrics);
    }

    /** What the node reports to; a {@link PrometheusMetrics} unless the settings supplied another. */
    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Loads the cached table, binds the listeners, then starts watching. */
    public synchronized void start() throws InterruptedException {
        if (cache != null) {
            cache.load().ifPresent(routes::set);
        }
        server.start();
        if (!settings.controllers().isEmpty()) {
            watcher = new RouteWatcher(settings.controllers(), routes, cache, settings.watch());
            watcher.start();
        } else {
            log.info("no controllers to watch: serving {} cached/static routes", routes.current().size());
        }
    }

    public RouteTableHolder routes() {
        return routes;
    }

    public RouteTable table() {
        return routes.current();
    }

    public ProxyServer server() {
        return server;
    }

    /** {@code null} before start or without controllers. */
    public RouteWatcher watcher() {
        return watcher;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        try {
            server.shutdown(settings.proxy().shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
    }
}
