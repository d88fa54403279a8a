package dev.berth.proxy.tcp;

import dev.berth.model.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
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

    /** A connected backend channel (auto-read off, no handlers yet) on {@code loop}. */
    public Future<Channel> open(EventLoop loop, Endpoint backend) {
        Promise<Channel> p = loop.newPromise();
        ChannelFuture cf = bootstrap.clone(loop)
                .connect(InetSocketAddress.createUnresolved(backend.host(), backend.port()));
        cf.addListener(f -> {
            if (f.isSuccess()) {
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
     * Connects to {@code backend} and splices it with {@code client} (auto-read off). On failure the
     * client is closed.
     */
    public void connect(Channel client, Endpoint backend) {
        open(client.eventLoop(), backend).addListener(f -> {
            if (!f.isSuccess() || !client.isActive()) {
                if (f.isSuccess()) {
                    ((Channel) f.getNow()).close();
                }
                client.close();
                return;
            }
            addIdleTimeout(client);
            Splice.join(client, (Channel) f.getNow());
        });
    }
}
