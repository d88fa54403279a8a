package dev.berth.proxy.tcp;

import dev.berth.model.Route;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw TCP routes for one TCP entrypoint: a listener on every port the route table asks for
 * within [firstPort, lastPort], opened and closed as routes come and go. Each accepted
 * connection looks its route up once, by the port it arrived on, and is spliced to that backend.
 * Connections already spliced outlive their route's removal; only the listener goes.
 *
 * <p>Reconciliation runs on one event loop, so table changes arriving in bursts are applied in order.
 */
public final class TcpPortManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpPortManager.class);

    private final String name;
    private final String host;
    private final int firstPort;
    private final int lastPort;
    private final RouteTableHolder routes;
    private final Supplier<ServerBootstrap> serverBootstrap;
    private final BackendConnector connector;
    private final EventLoop loop;
    private final Consumer<RouteTable> listener = t -> reconcileLater();
    private final Map<Integer, Channel> listeners = new HashMap<>(); // confined to loop
    private final Set<Integer> warnedOutOfRange = new TreeSet<>();
    private boolean closed;

    public TcpPortManager(String name, String host, int firstPort, int lastPort, RouteTableHolder routes,
                          Supplier<ServerBootstrap> serverBootstrap, BackendConnector connector, EventLoop loop) {
        this.name = name;
        this.host = host;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.routes = routes;
        this.serverBootstrap = serverBootstrap;
        this.connector = connector;
        this.loop = loop;
    }

    /** Binds the ports the current table asks for (waits for it) and follows later changes. */
    public void start() throws InterruptedException {
        routes.addListener(listener);
        List<ChannelFuture> binds;
        try {
            binds = loop.submit(this::reconcile).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("TCP entrypoint " + name + " failed to start", e.getCause());
        }
        for (ChannelFuture f : binds) {
            f.awaitUninterruptibly(); // failures are logged, not fatal: other routes keep their ports
        }
    }

    private void reconcileLater() {
        if (!loop.isShuttingDown()) {
            loop.execute(this::reconcile);
        }
    }


    private List<ChannelFuture> reconcile() {
        List<ChannelFuture> binds = new ArrayList<>();
        if (closed) {
            return binds;
        }
        RouteTable table = routes.current();
        Set<Integer> wanted = new TreeSet<>();
        for (int p : table.tcpPorts()) {
            if (p >= firstPort && p <= lastPort) {
                wanted.add(p);
            } else if (warnedOutOfRange.add(p)) {
                log.warn("TCP route on port {} is outside entrypoint {} ({}-{}); not listening", p, name, firstPort, lastPort);
            }
        }
        listeners.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                log.info("closing TCP port {} (route removed)", e.getKey());
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (int p : wanted) {
            if (!listeners.containsKey(p)) {
                binds.add(bind(p));
            }
        }
        return binds;
    }

    private ChannelFuture bind(int port) {
        ChannelFuture f = serverBootstrap.get()
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accept(ch, port);
                    }
                })
                .bind(new InetSocketAddress(host, port));
        listeners.put(port, f.channel());
        f.addListener(x -> {
            if (!x.isSuccess()) {
                log.warn("cannot listen on TCP port {}: {}", port, x.cause().toString());
                loop.execute(() -> listeners.remove(port, f.channel()));
            } else {
                log.info("listening on TCP port {} for entrypoint {}", port, name);
            }
        });
        return f;
    }

    private void accept(Channel client, int port) {
        Route r = routes.current().findTcp(port);
        if (r == null || r.backend() == null) { // gone, or its instance is still starting
            client.close();
            return;
        }
        connector.connect(client, r);
    }

    /** Ports listened on right now (binds still in progress are not counted). */
    public Set<Integer> boundPorts() {
        try {
            return loop.submit(() -> {
                Set<Integer> bound = new TreeSet<>();
                listeners.forEach((p, ch) -> {
                    if (ch.isActive()) {
                        bound.add(p);
                    }
                });
                return Set.copyOf(bound);
            }).get();
        } catch (Exception e) {
            return Set.of();
        }
    }

    @Override
    public void close() {
        routes.removeListener(listener);
        if (loop.isShuttingDown()) {
            return;
        }
        try {
            loop.submit(() -> {
                closed = true;
                listeners.values().forEach(Channel::close);
                listeners.clear();
            }).get();
        } catch (Exception e) {
            log.debug("closing TCP listeners", e);
        }
    }
}
