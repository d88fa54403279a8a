package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * An h2 stream's response, as the HTTP/1-style objects Netty's stream codec turns into frames.
 * Framing and connection fields are the codec's business, so the HTTP/1 flags are ignored.
 */
final class Http2ResponseWriter implements ResponseWriter {
    private final ChannelHandlerContext ctx;

    Http2ResponseWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void interim(ResponseParser head) {
        ctx.write(new DefaultFullHttpResponse(head.version(), HttpResponseStatus.valueOf(head.status()), Unpooled.EMPTY_BUFFER,
                ProxyHeaders.forHttp2(head), EmptyHttpHeaders.INSTANCE), ctx.voidPromise());
    }

    @Override
    public void head(ResponseParser head, boolean upgrade, boolean reChunk, boolean chunked, boolean keepAlive, HttpVersion version) {
        ctx.write(new DefaultHttpResponse(head.version(), HttpResponseStatus.valueOf(head.status()), ProxyHeaders.forHttp2(head)),
                ctx.voidPromise());
    }

    @Override
    public void content(ByteBuf payload) {
        ctx.write(new DefaultHttpContent(payload.retain()), ctx.voidPromise());
    }

    @Override
    public ChannelFuture end(ByteBuf trailers, boolean closeAfter) {
        LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
        if (trailers != null) {
            last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, ProxyHeaders.trailersForHttp2(trailers));
            trailers.release();
        }
        ctx.write(last, ctx.voidPromise());
        return null;
    }

    @Override
    public ChannelFuture local(FullHttpResponse response, boolean headRequest) {
        return ctx.writeAndFlush(response);
    }

    @Override
    public void writePending() {
    }

    @Override
    public void discardPending() {
    }

    /** The stream's writes reach the socket through its parent connection's codec, which frames on flush. */
    @Override
    public void flushSoon() {
        ctx.flush();
    }
}
