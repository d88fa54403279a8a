package dev.berth.proxy.tls;

import dev.berth.model.Route;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.tcp.BackendConnector;
import dev.berth.proxy.tcp.Splice;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a TLS connection: reads the ClientHello's SNI name without decrypting, then
 * either passes the connection through untouched to the TLS route for that name (the peeked
 * bytes are replayed to the backend, so the instance terminates TLS itself), or terminates TLS
 * here with the certificate for that name and hands the plaintext to {@code afterHandshake}.
 * A passthrough-only entrypoint ({@code certificates == null}) closes connections for unknown names.
 */
public final class SniRouter extends AbstractSniHandler<SniRouter.Decision> {
    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);

    /** What to do with one connection. */
    public sealed interface Decision permits Passthrough, Terminate {
    }

    record Passthrough(Channel backend) implements Decision {
    }

    record Terminate(SslContext context) implements Decision {
    }

    private final RouteTableHolder routes;
    private final CertificateStore certificates;
    private final BackendConnector connector;
    private final Supplier<ChannelHandler> afterHandshake;
    private final long handshakeTimeoutMillis;

    /**
     * @param certificates   null for a passthrough-only entrypoint
     * @param afterHandshake the handler to place after the SslHandler when terminating (e.g. ALPN selection)
     */
    public SniRouter(RouteTableHolder routes, CertificateStore certificates, BackendConnector connector,
                     Supplier<ChannelHandler> afterHandshake, long handshakeTimeoutMillis) {
        super(handshakeTimeoutMillis);
        this.routes = routes;
        this.certificates = certificates;
        this.connector = connector;
        this.afterHandshake = afterHandshake;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        ctx.read(); // auto-read is off: ask for the ClientHello
    }

    @Override
    protected Future<Decision> lookup(ChannelHandlerContext ctx, String hostname) {
        Route route = hostname == null ? null : routes.current().findTls(hostname);
        if (route != null && route.backend() == null) {
            // A TLS route whose instance is starting: nothing can answer inside someone else's TLS.
            return ctx.executor().newFailedFuture(new IllegalStateException("instance for SNI " + hostname + " is starting"));
        }
        if (route != null) {
            Promise<Decision> decided = ctx.executor().newPromise();
            connector.open(ctx.channel().eventLoop(), route.backend()).addListener(f -> {
                if (f.isSuccess()) {
                    decided.setSuccess(new Passthrough((Channel) f.getNow()));
                } else {
                    decided.setFailure(f.cause());
                }
            });
            return decided;
        }
        if (certificates == null) {
            return ctx.executor().newFailedFuture(new IllegalStateException("no TLS route for SNI " + hostname));
        }
        SslContext context = certificates.contextFor(hostname);
        if (context == null) {
            // HTTPS from the control plane only, and it has stored no certificate yet.
            return ctx.executor().newFailedFuture(new IllegalStateException("no certificate for SNI " + hostname));
        }
        return ctx.executor().newSucceededFuture(new Terminate(context));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Decision> future) {
        Channel client = ctx.channel();
        if (!future.isSuccess()) {
            log.debug("dropping TLS connection from {} for SNI {}: {}", client.remoteAddress(), hostname,
                    future.cause().toString());
            ctx.close();
            return;
        }
        Decision d = future.getNow();
        if (d instanceof Passthrough p) {
            Channel backend = p.backend();
            if (!client.isActive()) {
                backend.close();
                return;
            }
            connector.addIdleTimeout(client);
            backend.pipeline().addLast("splice", Splice.relayTo(client));
            // Removing this decoder hands the buffered ClientHello to the relay, which sends it on.
            ctx.pipeline().replace(this, "splice", Splice.relayTo(backend));
            Splice.start(client, backend);
        } else if (d instanceof Terminate t) {
            // Handshake computation runs on the certificate store's pool, not on this event loop.
            SslHandler ssl = t.context().newHandler(ctx.alloc(), certificates.handshakeExecutor());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            ctx.pipeline().addAfter(ctx.name(), "after-tls", afterHandshake.get());
            ctx.pipeline().replace(this, "ssl", ssl);
        }
    }
}
