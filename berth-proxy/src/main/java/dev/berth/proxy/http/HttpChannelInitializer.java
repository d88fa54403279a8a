package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/** The HTTP part of a client pipeline: plain HTTP (HTTP/1.1 or h2c), and HTTPS after the handshake. */
final class HttpChannelInitializer {
    private HttpChannelInitializer() {
    }

    /**
     * A plain-HTTP connection: HTTP/1, or h2c when it opens with the HTTP/2 preface. An entrypoint
     * that redirects to HTTPS ({@code httpsRedirectPort >= 0}) speaks HTTP/1 only.
     */
    static void addCleartext(Channel ch, ProxyContext px, String entrypoint, int httpsRedirectPort) {
        if (httpsRedirectPort < 0) {
            ch.pipeline().addLast("protocol", new CleartextProtocolSelector(px, entrypoint));
        }
        addHttp1(ch, px, entrypoint, "http", httpsRedirectPort);
    }

    /**
     * Two handlers, nothing per request beyond them: the byte-level request decoder (strict: it
     * is what refuses smuggling attempts; it also tells the proxy handler when a request's first
     * byte and each client read arrive) and the proxy handler, which queues decoded messages
     * itself, runs every timeout of the connection on one timer and writes requests and responses
     * as bytes (heads are copied line by line, never decoded into objects and encoded again).
     *
     * @param httpsRedirectPort answer every request with a redirect to https on this port; -1: proxy normally
     */
    static void addHttp1(Channel ch, ProxyContext px, String entrypoint, String scheme, int httpsRedirectPort) {
        ChannelPipeline p = ch.pipeline();
        HttpProxyHandler proxy = new HttpProxyHandler(px, entrypoint, scheme, false, httpsRedirectPort);
        p.addLast("http", proxy.requestDecoder(px.config()));
        p.addLast("proxy", proxy);
    }
}
