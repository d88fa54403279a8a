package dev.berth.proxy.http;

import dev.berth.model.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
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
 *
 * <p>The hot path allocates nothing: taking an idle connection returns it directly (no future),
 * and the idle timeout is one check per connection and {@code idleTimeout}, not a timer per use.
 */
final class BackendPool {
    private final Bootstrap bootstrap;
    private final long idleTimeoutNanos;
    private final int maxIdlePerBackend;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();

    BackendPool(Transport transport, ProxyConfig config) {
        this.idleTimeoutNanos = config.backendPoolIdleTimeout().toNanos();
        this.maxIdlePerBackend = config.maxIdlePerBackend();
        this.bootstrap = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                // A backend may answer and close before it has read the whole request body (an
                // instance's own 413). Its answer is in our receive buffer, so a failed write must
                // not close the connection before that is read; see BackendHandler.exceptionCaught.
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** The pool of {@code loop}; a client handler looks it up once and keeps it. */
    LoopPool forLoop(EventLoop loop) {
        return pools.computeIfAbsent(loop, LoopPool::new);
    }

    /** The backend connections of one event loop; every method must be called on that loop. */
    final class LoopPool {
        private final EventLoop loop;
        private final Map<Endpoint, ArrayDeque<BackendHandler>> idle = new HashMap<>();
        private final LoopFlusher flusher;

        private LoopPool(EventLoop loop) {
            this.loop = loop;
            this.flusher = new LoopFlusher(loop);
        }

        /** Batches the flushes of this loop's client and backend connections (see {@link LoopFlusher}). */
        LoopFlusher flusher() {
            return flusher;
        }

        /** An open idle connection to {@code endpoint}, newest first, or {@code null}. */
        BackendHandler pollIdle(Endpoint endpoint) {
            ArrayDeque<BackendHandler> q = idle.get(endpoint);
            if (q == null) {
                return null;
            }
            BackendHandler h;
            while ((h = q.pollLast()) != null) {
                h.pooled = false;
                if (h.channel.isActive()) {
                    return h;
                }
                h.channel.close();
            }
            return null;
        }

        /** A new connection to {@code endpoint} on this loop; its {@link BackendHandler} is in the pipeline. */
        ChannelFuture connect(Endpoint endpoint) {
            return bootstrap.clone(loop)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            // Requests go out as bytes (RequestWriter), responses are read from bytes (ResponseParser).
                            ch.pipeline().addLast("backend", new BackendHandler(endpoint, LoopPool.this));
                        }
                    })
                    .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
        }

        /**
         * Returns a connection whose last exchange completed cleanly (anything else must be closed
         * instead); {@code now} is the caller's System.nanoTime().
         */
        void release(BackendHandler h, long now) {
            Channel ch = h.channel;
            h.owner(null);
            if (!ch.isActive() || ((DuplexChannel) ch).isOutputShutdown() || maxIdlePerBackend == 0) {
                ch.close();
                return;
            }
            ArrayDeque<BackendHandler> q = idle.get(h.endpoint);
            if (q == null) {
                q = new ArrayDeque<>();
                idle.put(h.endpoint, q);
            }
            if (q.size() >= maxIdlePerBackend) {
                BackendHandler oldest = q.pollFirst();
                if (oldest != null) {
                    oldest.pooled = false;
                    oldest.channel.close();
                }
            }
            q.addLast(h);
            h.pooled = true;
            h.idleSince = now;
            if (idleTimeoutNanos > 0 && !h.idleCheckScheduled) {
                scheduleIdleCheck(h, idleTimeoutNanos);
            }
            ch.read(); // so an EOF from the backend is noticed while idle
        }

        private void scheduleIdleCheck(BackendHandler h, long delayNanos) {
            h.idleCheckScheduled = true;
            loop.schedule(() -> checkIdle(h), delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Closes the connection once it has sat idle for the timeout; a connection in use is checked again when released. */
        private void checkIdle(BackendHandler h) {
            h.idleCheckScheduled = false;
            if (!h.pooled || !h.channel.isActive()) {
                return;
            }
            long left = h.idleSince + idleTimeoutNanos - System.nanoTime();
            if (left > 0) {
                scheduleIdleCheck(h, left);
                return;
            }
            remove(h);
            h.channel.close();
        }

        /** A pooled connection closed by itself. */
        void evict(BackendHandler h) {
            if (h.pooled) {
                remove(h);
            }
        }

        private void remove(BackendHandler h) {
            h.pooled = false;
            ArrayDeque<BackendHandler> q = idle.get(h.endpoint);
            if (q != null) {
                q.remove(h);
                if (q.isEmpty()) {
                    idle.remove(h.endpoint);
                }
            }
        }
    }
}
