package dev.berth.cli.roles;

import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.watch.RouteCache;
import dev.berth.proxy.watch.RouteWatcher;
import io.grpc.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The proxy part of the standalone, worker and proxy roles: routes from the cache file first,
 * then from the controllers' route stream.
 */
final class ProxyRole {
    private ProxyRole() {
    }

    static AutoCloseable start(List<? extends Channel> controllers, InetSocketAddress http, Path dir, String proxyId) throws Exception {
        return start(controllers, http, dir, proxyId, 0);
    }

    /** @param eventLoopThreads 0: Netty's default (two per core) */
    static AutoCloseable start(List<? extends Channel> controllers, InetSocketAddress http, Path dir, String proxyId,
                               int eventLoopThreads) throws Exception {
        Files.createDirectories(dir);
        RouteCache cache = new RouteCache(dir.resolve("routes.json"));
        RouteTableHolder routes = new RouteTableHolder(cache.load().orElse(RouteTable.empty()));
        ProxyServer server = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("http", http.getHostString(), http.getPort()))
                .eventLoopThreads(eventLoopThreads)
                .build(), routes);
        server.start();
        RouteWatcher watcher = new RouteWatcher(controllers, routes, cache, RouteWatcher.Options.defaults(proxyId));
        watcher.start();
        return () -> {
            watcher.close();
            server.close();
        };
    }
}
