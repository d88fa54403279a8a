package dev.berth.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** After a terminated TLS handshake: HTTP/2 when the client chose h2 by ALPN, HTTP/1.1 otherwise. */
final class HttpsProtocolSelector extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpsProtocolSelector.class);
    private final ProxyContext px;
    private final String entrypoint;

    HttpsProtocolSelector(ProxyContext px, String entrypoint) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.px = px;
        this.entrypoint = entrypoint;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Pipeline.install(ctx.channel(), px, entrypoint, "https");
        } else {
            HttpChannelInitializer.addHttp1(ctx.channel(), px, entrypoint, "https", -1);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
