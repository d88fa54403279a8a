package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first bytes of a plain-HTTP connection choose its protocol: the HTTP/2 connection preface
 * (h2c with prior knowledge, RFC 9113 3.3: {@code curl --http2-prior-knowledge}, gRPC-style
 * clients) switches the connection to HTTP/2; anything else is HTTP/1 and reaches the request
 * decoder untouched. It decides on the first byte that differs from the preface, so an HTTP/1
 * request is not held back, and then leaves the pipeline. The h2c Upgrade header (deprecated by
 * RFC 9113) is not acted on: such a request is served over HTTP/1.1.
 */
final class CleartextProtocolSelector extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyContext px;
    private final String entrypoint;

    CleartextProtocolSelector(ProxyContext px, String entrypoint) {
        this.px = px;
        this.entrypoint = entrypoint;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int from = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(from + i) != PREFACE[i]) {
                ctx.pipeline().remove(this); // HTTP/1: what was read goes on to the request decoder
                return;
            }
        }
        if (n == PREFACE.length) {
            ChannelPipeline p = ctx.pipeline();
            p.remove(RequestDecoder.class);
            p.remove(HttpProxyHandler.class);
            Http2Pipeline.install(ctx.channel(), px, entrypoint, "http");
            p.remove(this); // the preface and what followed it go to the HTTP/2 codec
        }
        // A prefix of the preface so far: wait for more (ByteToMessageDecoder asks for the next read).
    }
}
