package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The HTTP/1.1 part of a client pipeline, shared by plain HTTP and by HTTPS after the handshake. */
final class HttpChannelInitializer {
    private HttpChannelInitializer() {
    }

    /** @param httpsRedirectPort answer every request with a redirect to https on this port; -1: proxy normally */
    static void addHttp1(Channel ch, ProxyContext px, String entrypoint, String scheme, int httpsRedirectPort) {
        ProxyConfig c = px.config();
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(0, 0, c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("request-timeout", new RequestReadTimeoutHandler(c.idleTimeout().toMillis(), c.requestHeaderTimeout().toMillis()));
        p.addLast("http", new HttpServerCodec(decoderConfig(c)));
        p.addLast("flow", new FlowControlHandler());
        p.addLast("proxy", new HttpProxyHandler(px, entrypoint, scheme, false, httpsRedirectPort));
    }

    static HttpDecoderConfig decoderConfig(ProxyConfig c) {
        // Strict CRLF parsing and RFC 9112 Transfer-Encoding rules (Netty rejects Content-Length
        // together with chunked): request smuggling needs two parsers to disagree, so this one
        // refuses anything another parser could read differently.
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(c.maxInitialLineLength())
                .setMaxHeaderSize(c.maxHeaderSize())
                .setMaxChunkSize(65536)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false);
    }
}
