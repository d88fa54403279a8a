package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** The HTTP/1.1 part of a client pipeline, shared by plain HTTP and by HTTPS after the handshake. */
final class HttpChannelInitializer {
    private HttpChannelInitializer() {
    }

    /**
     * Three handlers, nothing per request beyond them: a byte watcher in front of the codec (it
     * tells the proxy handler when a request's first byte and each client read arrive), the codec,
     * and the proxy handler, which queues decoded messages itself and runs every timeout of the
     * connection on one timer.
     *
     * @param httpsRedirectPort answer every request with a redirect to https on this port; -1: proxy normally
     */
    static void addHttp1(Channel ch, ProxyContext px, String entrypoint, String scheme, int httpsRedirectPort) {
        ProxyConfig c = px.config();
        ChannelPipeline p = ch.pipeline();
        HttpProxyHandler proxy = new HttpProxyHandler(px, entrypoint, scheme, false, httpsRedirectPort);
        p.addLast("bytes-in", proxy.bytesIn());
        p.addLast("http", new HttpServerCodec(decoderConfig(c)));
        p.addLast("proxy", proxy);
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
