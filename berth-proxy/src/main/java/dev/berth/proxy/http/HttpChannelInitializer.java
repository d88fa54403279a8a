package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** The HTTP/1.1 part of a client pipeline, shared by plain HTTP and by HTTPS after the handshake. */
final class HttpChannelInitializer {
    private HttpChannelInitializer() {
    }

    /**
     * Two handlers, nothing per request beyond them: Netty's request decoder (strict: it is what
     * refuses smuggling attempts; it also tells the proxy handler when a request's first byte and
     * each client read arrive) and the proxy handler, which queues decoded messages itself, runs
     * every timeout of the connection on one timer and writes requests and responses as bytes (a
     * backend's head is copied, not decoded and encoded again).
     *
     * @param httpsRedirectPort answer every request with a redirect to https on this port; -1: proxy normally
     */
    static void addHttp1(Channel ch, ProxyContext px, String entrypoint, String scheme, int httpsRedirectPort) {
        ProxyConfig c = px.config();
        ChannelPipeline p = ch.pipeline();
        HttpProxyHandler proxy = new HttpProxyHandler(px, entrypoint, scheme, false, httpsRedirectPort);
        p.addLast("http", proxy.requestDecoder(decoderConfig(c)));
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
