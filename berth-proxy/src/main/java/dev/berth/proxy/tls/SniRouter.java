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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a TLS connection: reads the ClientHello's SNI name without decrypting, then
 * <ul>
 * <li>passes the connection through untouched to the TLS route for that name (the peeked bytes are
 *     replayed to the backend, so the instance terminates TLS itself);</li>
 * <li>for a route marked {@link Route#terminateTls()} (a plain-TCP instance), terminates TLS here
 *     with the certificate for that name and relays the plaintext bytes to the backend, both ways;</li>
 * <li>with no route for the name, on an HTTPS entrypoint ({@code afterHandshake} given), terminates
 *     TLS and hands the plaintext to {@code afterHandshake}; elsewhere closes the connection.</li>
 * </ul>
 * Without certificates ({@code certificates == null}, or a store that has none yet) connections
 * that need termination are closed.
 */
public final class SniRouter extends AbstractSniHandler<SniRouter.Decision> {
    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);

    /** What to do with one connection. */
    public sealed interface Decision permits Passthrough, Terminate, TerminateAndRelay {
    }

    record Passthrough(Channel backend) implements Decision {
    }

    record Terminate(SslContext context) implements Decision {
    }

    /** Terminate TLS with {@code context}, then relay the plaintext to the connected {@code backend}. */
    record TerminateAndRelay(SslContext context, Channel backend) implements Decision {
    }

    private final RouteTableHolder routes;
    private final CertificateStore certificates;
    private final BackendConnector connector;
    private final Supplier<ChannelHandler> afterHandshake;
    private final long handshakeTimeoutMillis;

    /**
     * @param certificates   the certificates to terminate with; null when the proxy has none
     * @param afterHandshake the handler to place after the SslHandler when terminating a name without a TLS
     *                       route (HTTPS: ALPN selection); null: such names are closed (the TLS entrypoint)
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
        if (route != null && route.terminateTls()) {
            SslContext context = certificates == null ? null : certificates.tcpContextFor(hostname);
            if (context == null) {
                return ctx.executor().newFailedFuture(new IllegalStateException("route for SNI " + hostname
                        + " terminates TLS but this proxy has no certificate (--https-cert or berth tls put)"));
            }
            return openBackend(ctx, route, backend -> new TerminateAndRelay(context, backend));
        }
        if (route != null) {
            return openBackend(ctx, route, Passthrough::new);
        }
        if (certificates == null || afterHandshake == null) {
            return ctx.executor().newFailedFuture(new IllegalStateException("no TLS route for SNI " + hostname));
        }
        SslContext context = certificates.contextFor(hostname);
        if (context == null) {
            // HTTPS from the control plane only, and it has stored no certificate yet.
            return ctx.executor().newFailedFuture(new IllegalStateException("no certificate for SNI " + hostname));
        }
        return ctx.executor().newSucceededFuture(new Terminate(context));
    }

    /** Connects to the route's backend before deciding, so an unreachable instance closes the client at once. */
    private Future<Decision> openBackend(ChannelHandlerContext ctx, Route route, Function<Channel, Decision> decision) {
        Promise<Decision> decided = ctx.executor().newPromise();
        connector.open(ctx.channel(), route).addListener(f -> {
            if (f.isSuccess()) {
                decided.setSuccess(decision.apply((Channel) f.getNow()));
            } else {
                decided.setFailure(f.cause());
            }
        });
        return decided;
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
        } else if (d instanceof TerminateAndRelay t) {
            Channel backend = t.backend();
            if (!client.isActive()) {
                backend.close();
                return;
            }
            connector.addIdleTimeout(client);
            backend.pipeline().addLast("splice", Splice.relayTo(client));
            // After the SslHandler, the client's relay sees plaintext, and what the backend sends is encrypted.
            ctx.pipeline().addLast("splice", Splice.relayTo(backend));
            SslHandler ssl = newSslHandler(ctx, t.context());
            ctx.pipeline().replace(this, "ssl", ssl);
            client.read();
            // The backend is read only once the client is through the handshake, so a chatty backend's bytes
            // do not pile up in front of a handshake that may never complete.
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    backend.read();
                } else {
                    backend.close();
                }
            });
        } else if (d instanceof Terminate t) {
            ctx.pipeline().addAfter(ctx.name(), "after-tls", afterHandshake.get());
            ctx.pipeline().replace(this, "ssl", newSslHandler(ctx, t.context()));
        }
    }

    private SslHandler newSslHandler(ChannelHandlerContext ctx, SslContext context) {
        // Handshake computation runs on the certificate store's pool, not on this event loop.
        SslHandler ssl = context.newHandler(ctx.alloc(), certificates.handshakeExecutor());
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return ssl;
    }
}
