package dev.berth.proxy.tcp;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the backend side of a byte tunnel (raw TCP, TLS passthrough) on the client's own event
 * loop and splices the two.
 */
public final class BackendConnector {
    private static final Logger log = LoggerFactory.getLogger(BackendConnector.class);

    private final Bootstrap bootstrap;
    private final long idleMillis;

    public BackendConnector(Class<? extends Channel> socketChannel, Duration connectTimeout, Duration idleTimeout) {
        this.idleMillis = idleTimeout.toMillis();
        this.bootstrap = new Bootstrap()
                .channel(socketChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // the relay is added once connected
                    }
                });
    }

    /**
     * A backend channel connected to {@code route}'s backend on {@code client}'s event loop (auto-read
     * off, no handlers yet), the route's PROXY protocol header already written on it.
     */
    public Future<Channel> open(Channel client, Route route) {
        Endpoint backend = route.backend();
        Promise<Channel> p = client.eventLoop().newPromise();
        ChannelFuture cf = bootstrap.clone(client.eventLoop())
                .connect(InetSocketAddress.createUnresolved(backend.host(), backend.port()));
        cf.addListener(f -> {
            if (f.isSuccess()) {
                if (route.proxyProtocol() != null) {
                    ProxyProtocolHeader.write(cf.channel(), route.proxyProtocol(), client);
                }
                p.setSuccess(cf.channel());
            } else {
                log.debug("backend {} unreachable: {}", backend, f.cause().toString());
                p.setFailure(f.cause());
            }
        });
        return p;
    }

    /** Adds the tunnel idle timeout to {@code client}; the caller installs the relays. */
    public void addIdleTimeout(Channel client) {
        if (idleMillis > 0) {
            client.pipeline().addLast("tunnel-idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Connects to {@code route}'s backend and splices it with {@code client} (auto-read off). On
     * failure the client is closed. A client from a trusted load balancer is read first until its
     * PROXY header is: the instance's own PROXY header must name the balancer's client.
     */
    public void connect(Channel client, Route route) {
        addIdleTimeout(client); // also for a trusted peer that never sends its header
        if (ClientOrigin.awaited(client)) {
            client.pipeline().addLast("await-origin", new OriginWait(route));
            client.read();
            return;
        }
        connect(client, route, null);
    }

    /** Connects and splices; what {@code wait} held (bytes that came right after the PROXY header) goes first. */
    private void connect(Channel client, Route route, OriginWait wait) {
        open(client, route).addListener(f -> {
            List<Object> early = wait == null ? List.of() : wait.leave();
            if (!f.isSuccess() || !client.isActive()) {
                if (f.isSuccess()) {
                    ((Channel) f.getNow()).close();
                }
                early.forEach(ReferenceCountUtil::release);
                client.close();
                return;
            }
            Channel backend = (Channel) f.getNow();
            if (!early.isEmpty()) {
                early.forEach(m -> backend.write(m, backend.voidPromise()));
                backend.flush();
            }
            Splice.join(client, backend);
        });
    }

    /**
     * Holds a trusted client's tunnel until its PROXY header is read, then until the backend is
     * connected, keeping what the client sends meanwhile (the rest of the read that carried the
     * header, and the one read asked for after it).
     */
    private final class OriginWait extends ChannelInboundHandlerAdapter {
        private final Route route;
        private final List<Object> early = new ArrayList<>();
        private ChannelHandlerContext ctx;

        OriginWait(Route route) {
            this.route = route;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Leaves the pipeline; returns what it held. */
        List<Object> leave() {
            if (ctx.pipeline().context(this) != null) {
                ctx.pipeline().remove(this);
            }
            List<Object> held = List.copyOf(early);
            early.clear();
            return held;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ClientOrigin.KNOWN) {
                connect(ctx.channel(), route, this);
            } else if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            early.add(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
            ctx.fireChannelInactive();
        }
    }
}
