package dev.berth.proxy.http;

import dev.berth.model.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to backends, one pool per event loop: a client connection always
 * takes a backend connection on its own event loop, so relaying never crosses threads and the
 * pool needs no locks. Idle connections are reused newest first (the warmest socket, and the
 * oldest ones age out) and closed after {@code idleTimeout}.
 */
final class BackendPool {
    /** Response header blocks may be larger than what clients are allowed to send. */
    private static final int BACKEND_MAX_HEADER_SIZE = 65536;

    private final Bootstrap bootstrap;
    private final long idleTimeoutMillis;
    private final int maxIdlePerBackend;
    private final Map<EventLoop, Map<Endpoint, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

    BackendPool(Transport transport, ProxyConfig config) {
        this.idleTimeoutMillis = config.backendPoolIdleTimeout().toMillis();
        this.maxIdlePerBackend = config.maxIdlePerBackend();
        this.bootstrap = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** A connection to {@code endpoint} on {@code loop}; call on {@code loop}. */
    Future<Channel> acquire(EventLoop loop, Endpoint endpoint) {
        ArrayDeque<Channel> q = loopPool(loop).get(endpoint);
        if (q != null) {
            Channel ch;
            while ((ch = q.pollLast()) != null) {
                BackendHandler h = BackendHandler.of(ch);
                if (h != null && h.idleTimer != null) {
                    h.idleTimer.cancel(false);
                    h.idleTimer = null;
                }
                if (ch.isActive() && h != null) {
                    return loop.newSucceededFuture(ch);
                }
                ch.close();
            }
        }
        Promise<Channel> promise = loop.newPromise();
        ChannelFuture cf = bootstrap.clone(loop)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec(
                                new HttpDecoderConfig().setMaxHeaderSize(BACKEND_MAX_HEADER_SIZE).setMaxChunkSize(65536),
                                false, false));
                        ch.pipeline().addLast("backend", new BackendHandler(endpoint, BackendPool.this));
                    }
                })
                .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
        cf.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(cf.channel());
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** Returns a connection whose last exchange completed cleanly; anything else must be closed instead. */
    void release(Channel ch) {
        BackendHandler h = BackendHandler.of(ch);
        if (h == null || !ch.isActive() || maxIdlePerBackend == 0) {
            ch.close();
            return;
        }
        h.owner(null);
        ArrayDeque<Channel> q = loopPool(ch.eventLoop()).computeIfAbsent(h.endpoint, e -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerBackend) {
            Channel oldest = q.pollFirst();
            if (oldest != null) {
                oldest.close();
            }
        }
        q.addLast(ch);
        if (idleTimeoutMillis > 0) {
            h.idleTimer = ch.eventLoop().schedule(() -> {
                h.idleTimer = null;
                ch.close();
            }, idleTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        ch.read(); // so an EOF from the backend is noticed while idle
    }

    /** A pooled connection closed by itself. */
    void evict(Channel ch, BackendHandler h) {
        if (h.idleTimer != null) {
            h.idleTimer.cancel(false);
            h.idleTimer = null;
        }
        Map<Endpoint, ArrayDeque<Channel>> byEndpoint = idle.get(ch.eventLoop());
        if (byEndpoint != null) {
            ArrayDeque<Channel> q = byEndpoint.get(h.endpoint);
            if (q != null) {
                q.remove(ch);
                if (q.isEmpty()) {
                    byEndpoint.remove(h.endpoint);
                }
            }
        }
    }

    private Map<Endpoint, ArrayDeque<Channel>> loopPool(EventLoop loop) {
        return idle.computeIfAbsent(loop, l -> new HashMap<>());
    }
}
