package dev.berth.proxy.http;

import dev.berth.proxy.ProxyStartException;
import dev.berth.proxy.metrics.PrometheusMetrics;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.tcp.BackendConnector;
import dev.berth.proxy.tcp.TcpPortManager;
import dev.berth.proxy.tls.CertificateStore;
import dev.berth.proxy.tls.SniRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's listeners: every configured entrypoint, served by one event-loop group
 * (epoll when available). Connections to backends run on the accepting event loop.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    /** Small enough to bound memory per connection, large enough for throughput. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final ProxyConfig config;
    private final RouteTableHolder routes;
    private final ProxyMetrics metrics;
    private final Transport transport;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<Channel> serverChannels = new ArrayList<>();
    private final Map<String, TcpPortManager> tcpManagers = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ClientConnections clients = new ClientConnections();
    /** On every client listener when the config trusts load balancers; null otherwise. */
    private final ProxyProtocolAcceptor proxyProtocol;
    private EventLoopGroup group;
    private ProxyContext context;
    private BackendConnector tunnels;
    private CertificateStore certificates;

    public ProxyServer(ProxyConfig config, RouteTableHolder routes) {
        this(config, routes, ProxyMetrics.NOOP);
    }

    public ProxyServer(ProxyConfig config, RouteTableHolder routes, ProxyMetrics metrics) {
        this.config = config;
        this.proxyProtocol = config.proxyProtocolFrom().isEmpty() ? null : new ProxyProtocolAcceptor(config.proxyProtocolFrom());
        this.routes = routes;
        this.metrics = metrics;
        this.transport = Transport.detect(config.nativeTransport());
    }

    /** Binds every entrypoint; returns once all are listening. On failure, nothing stays bound. */
    public synchronized void start() throws InterruptedException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = transport.newGroup(config.eventLoopThreads(), "berth-proxy");
        context = new ProxyContext(config, routes, new BackendPool(transport, config), metrics,
                new AccessLog(config.accessLog()), ViaLoopGuard.random());
        tunnels = new BackendConnector(transport.socketChannel(), config.connectTimeout(), config.tunnelIdleTimeout());
        try {
            if (config.tls() != null) {
                certificates = new CertificateStore(config.tls(), routes);
                certificates.startReloading();
                closeables.add(certificates);
            }
            // Non-HTTP entrypoints first, so an HTTP entrypoint knows where to redirect to.
            for (Entrypoint e : config.entrypoints()) {
                switch (e.kind()) {
                    case HTTPS -> bind(e, clientServerBootstrap(), ch -> ch.pipeline().addLast("sni", new SniRouter(routes,
                            certificates, tunnels, () -> new HttpsProtocolSelector(context, e.name()), handshakeMillis())));
                    // Passthrough by SNI; routes of tcp ports with "tls: terminate" are terminated with the HTTPS certificates.
                    case TLS -> bind(e, tunnelServerBootstrap(), ch -> ch.pipeline().addLast("sni",
                            new SniRouter(routes, certificates, tunnels, null, handshakeMillis())));
                    case TCP -> {
                        TcpPortManager m = new TcpPortManager(e.name(), e.host(), e.port(), e.lastPort(), routes,
                                this::tunnelServerBootstrap, tunnels, group.next());
                        tcpManagers.put(e.name(), m);
                        m.start();
                        ports.put(e.name(), e.port());
                    }
                    case METRICS -> bind(e, serverBootstrap().childOption(ChannelOption.AUTO_READ, true), ch -> ch.pipeline()
                            .addLast(new io.netty.handler.timeout.ReadTimeoutHandler(30))
                            .addLast(new io.netty.handler.codec.http.HttpServerCodec())
                            .addLast(new io.netty.handler.codec.http.HttpObjectAggregator(8192))
                            .addLast(new MetricsHandler(prometheus())));
                    case HTTP -> {
                    }
                }
            }
            int redirectPort = config.entrypoints().stream().filter(x -> x.kind() == Entrypoint.Kind.HTTPS)
                    .findFirst().map(x -> ports.get(x.name())).orElse(443);
            for (Entrypoint e : config.entrypoints()) {
                if (e.kind() == Entrypoint.Kind.HTTP) {
                    int redirect = e.redirectToHttps() ? redirectPort : -1;
                    bind(e, clientServerBootstrap(), ch -> HttpChannelInitializer.addCleartext(ch, context, e.name(), redirect));
                }
            }
        } catch (IOException | CertificateException ex) {
            close();
            throw new ProxyStartException("cannot load TLS certificates: " + ex.getMessage(), ex);
        } catch (RuntimeException | InterruptedException ex) {
            close();
            throw ex;
        }
        log.info("proxy listening on {} ({} transport)", ports, transport.name());
    }

    private void bind(Entrypoint e, ServerBootstrap b, java.util.function.Consumer<Channel> init) throws InterruptedException {
        ConnectionCounter counter = new ConnectionCounter(metrics, e.name());
        b.childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("count", counter);
                init.accept(ch);
            }
        });
        ChannelFuture bound = b.bind(new InetSocketAddress(e.host(), e.port())).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String why = cause.getMessage() == null ? cause.toString()
                    : cause.getMessage().replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", ""); // epoll's prefix
            throw new ProxyStartException("cannot listen on " + e.host() + ":" + e.port() + " (entrypoint '" + e.name() + "'): " + why, cause);
        }
        Channel ch = bound.channel();
        serverChannels.add(ch);
        ports.put(e.name(), ((InetSocketAddress) ch.localAddress()).getPort());
    }

    /** The metrics the METRICS entrypoint serves: the ones given, when they are Prometheus ones. */
    private PrometheusMetrics prometheus() {
        if (metrics instanceof PrometheusMetrics p) {
            return p;
        }
        throw new IllegalStateException("a METRICS entrypoint needs the server built with PrometheusMetrics");
    }

    private long handshakeMillis() {
        return config.requestHeaderTimeout().toMillis();
    }

    /** The live certificate set ({@code null} without TLS config); for reload checks. */
    public CertificateStore certificates() {
        return certificates;
    }

    /**
     * Listeners for client traffic: their connections are drained on {@link #shutdown}, and read
     * a PROXY header first where they come from a trusted load balancer.
     */
    private ServerBootstrap clientServerBootstrap() {
        ServerBootstrap b = serverBootstrap();
        if (proxyProtocol == null) {
            return b.handler(clients);
        }
        return b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel listener) {
                listener.pipeline().addLast(clients, proxyProtocol);
            }
        });
    }

    ServerBootstrap serverBootstrap() {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /** Server sockets for byte tunnels: like HTTP ones, plus half-close so an EOF can be relayed. */
    ServerBootstrap tunnelServerBootstrap() {
        return clientServerBootstrap().childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /** Ports a TCP entrypoint currently listens on (one per TCP route in its range). */
    public synchronized java.util.Set<Integer> tcpPorts(String name) {
        TcpPortManager m = tcpManagers.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no TCP entrypoint named " + name);
        }
        return m.boundPorts();
    }

    /** The port entrypoint {@code name} is bound to (useful after binding port 0). */
    public synchronized int port(String name) {
        Integer p = ports.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no bound entrypoint named " + name);
        }
        return p;
    }

    /** The port of the first HTTP entrypoint. */
    public synchronized int httpPort() {
        return config.entrypoints().stream().filter(e -> e.kind() == Entrypoint.Kind.HTTP)
                .findFirst().map(e -> port(e.name()))
                .orElseThrow(() -> new IllegalStateException("no HTTP entrypoint"));
    }

    public Transport transport() {
        return transport;
    }

    public ProxyConfig config() {
        return config;
    }

    /**
     * Stops gracefully: the listeners close at once (new connections are refused), idle keep-alive
     * connections close, exchanges under way finish with {@code Connection: close} (HTTP/2: GOAWAY,
     * open streams finish), tunnels carry on; whatever is still open after {@code grace} is cut by
     * {@link #close}. Routes keep being served as they are meanwhile.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        synchronized (this) {
            if (group == null) {
                return;
            }
            closeListeners();
        }
        int open = clients.size();
        if (open > 0 && !grace.isZero()) {
            log.info("stopping: draining {} client connections for up to {} ms", open, grace.toMillis());
            if (!clients.drain(grace)) {
                log.info("stopping: {} client connections still open after {} ms are cut", clients.size(), grace.toMillis());
            }
        }
        close();
    }

    /** Closes every listening socket, the TCP entrypoints' too; connections stay. */
    private void closeListeners() {
        tcpManagers.values().forEach(TcpPortManager::close);
        tcpManagers.clear();
        for (Channel ch : serverChannels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        serverChannels.clear();
    }

    @Override
    public synchronized void close() {
        closeListeners();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing {}", c, e);
            }
        }
        closeables.clear();
        ports.clear();
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            group = null;
        }
        certificates = null;
    }
}
