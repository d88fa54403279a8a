package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1 client's response as bytes. The backend's head is copied as it came, minus
 * hop-by-hop fields (RFC 9110 7.6.1), plus the framing and connection fields this hop needs; it
 * stays pending until the backend's read ends, so a small body that came with it leaves in the
 * same buffer: one write, one segment. Writes leave with the event loop's batch ({@link LoopFlusher}).
 */
final class Http1ResponseWriter implements ResponseWriter {
    /** Response bodies up to this size are copied into the head's buffer. */
    private static final int MERGE_BODY_LIMIT = 4096;
    private static final byte[] CONNECTION_UPGRADE_LINE = ascii("connection: upgrade\r\n");
    private static final byte[] CONNECTION_CLOSE_LINE = ascii("connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE_LINE = ascii("connection: keep-alive\r\n");
    private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n");
    private static final ByteBuf CRLF_BUF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeShort(ResponseParser.CRLF_SHORT)).asReadOnly();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private final ChannelHandlerContext ctx;
    private final LoopFlusher flusher;
    /** Output not written yet: a response head, possibly with a small body appended. */
    private ByteBuf pending;
    private boolean chunked;

    Http1ResponseWriter(ChannelHandlerContext ctx, LoopFlusher flusher) {
        this.ctx = ctx;
        this.flusher = flusher;
    }

    @Override
    public void interim(ResponseParser head) {
        ByteBuf out = ctx.alloc().buffer(head.headLength());
        head.writeRawHead(out);
        ctx.write(out, ctx.voidPromise());
    }

    @Override
    public void head(ResponseParser head, boolean upgrade, boolean reChunk, boolean chunked, boolean keepAlive, HttpVersion version) {
        this.chunked = chunked;
        long length = head.contentLength();
        int room = length > 0 && length <= MERGE_BODY_LIMIT ? (int) length : 0;
        ByteBuf out = ctx.alloc().buffer(head.headLength() + 64 + room);
        head.writeStatusLine(out);
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            if (!ProxyHeaders.dropFromResponse(head, i, upgrade)) {
                head.writeField(i, out);
            }
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE_LINE);
        } else {
            if (reChunk) {
                out.writeBytes(CHUNKED_LINE);
            }
            // Connection semantics follow the client's version, not the backend's: a 1.0 client needs an explicit keep-alive.
            if (!keepAlive) {
                out.writeBytes(CONNECTION_CLOSE_LINE);
            } else if (!version.isKeepAliveDefault()) {
                out.writeBytes(CONNECTION_KEEP_ALIVE_LINE);
            }
        }
        out.writeShort(ResponseParser.CRLF_SHORT);
        pending = out;
    }

    @Override
    public void content(ByteBuf payload) {
        int n = payload.readableBytes();
        if (n == 0) {
            return;
        }
        ByteBuf out = pending;
        if (chunked) {
            if (out == null || n > MERGE_BODY_LIMIT) {
                writePending();
                out = ctx.alloc().buffer(20);
                writeChunkHeader(out, n);
                ctx.write(out, ctx.voidPromise());
                ctx.write(payload.retain(), ctx.voidPromise());
                ctx.write(CRLF_BUF.duplicate(), ctx.voidPromise());
            } else {
                writeChunkHeader(out, n);
                out.writeBytes(payload);
                out.writeShort(ResponseParser.CRLF_SHORT);
            }
        } else if (out != null && n <= MERGE_BODY_LIMIT) {
            out.writeBytes(payload);
        } else {
            writePending();
            ctx.write(payload.retain(), ctx.voidPromise());
        }
    }

    private static void writeChunkHeader(ByteBuf out, int size) {
        out.writeCharSequence(Integer.toHexString(size), StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
    }

    @Override
    public ChannelFuture end(ByteBuf trailers, boolean closeAfter) {
        ByteBuf out = pending;
        pending = null;
        if (chunked) {
            if (out == null) {
                out = ctx.alloc().buffer(trailers == null ? 5 : 3 + trailers.readableBytes());
            }
            out.writeBytes(LAST_CHUNK);
            if (trailers != null) {
                out.writeBytes(trailers);
            } else {
                out.writeShort(ResponseParser.CRLF_SHORT);
            }
        }
        chunked = false;
        ReferenceCountUtil.release(trailers);
        if (closeAfter) {
            return ctx.write(out != null ? out : Unpooled.EMPTY_BUFFER);
        }
        if (out != null) {
            ctx.write(out, ctx.voidPromise());
        }
        return null;
    }

    @Override
    public ChannelFuture local(FullHttpResponse response, boolean headRequest) {
        discardPending();
        chunked = false;
        return ctx.writeAndFlush(LocalResponses.encode(ctx.alloc(), response, headRequest));
    }

    @Override
    public void writePending() {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            ctx.write(out, ctx.voidPromise());
        }
    }

    @Override
    public void discardPending() {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            out.release();
        }
    }

    @Override
    public void flushSoon() {
        flusher.flushLater(ctx.channel());
    }
}
