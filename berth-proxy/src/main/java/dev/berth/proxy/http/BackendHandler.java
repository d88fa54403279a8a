package dev.berth.proxy.http;

import dev.berth.model.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a backend connection, and the connection's handle in its pool. It reads
 * responses from the raw bytes ({@link ResponseParser}) and relays them to whichever client
 * handler owns the connection; while the connection sits idle in the pool it owns it itself,
 * and anything arriving then makes the connection unusable.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter implements ResponseParser.Sink {
    /** Response header blocks may be larger than what clients are allowed to send. */
    static final int MAX_HEAD_SIZE = 65536;

    final Endpoint endpoint;
    private final BackendPool.LoopPool pool;
    private BackendListener owner;
    private Throwable failure;
    private ChannelHandlerContext ctx;
    ResponseParser parser;
    Channel channel;
    /** After a 101: bytes that follow the response head in the same read go to this channel. */
    private Channel upgradedTo;
    /** Carried an exchange before: a failure on it may be the backend having closed it while idle. */
    boolean used;
    /** In its pool's idle queue. */
    boolean pooled;
    /** When it last went back to the pool (System.nanoTime). */
    long idleSince;
    /** The pool's idle check is scheduled for this connection. */
    boolean idleCheckScheduled;

    BackendHandler(Endpoint endpoint, BackendPool.LoopPool pool) {
        this.endpoint = endpoint;
        this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        channel = ctx.channel();
        parser = new ResponseParser(ctx.alloc(), MAX_HEAD_SIZE);
    }

    void owner(BackendListener listener) {
        owner = listener;
    }

    /** The exchange switched protocols; what follows the 101 in the current read belongs to {@code client}. */
    void upgradedTo(Channel client) {
        upgradedTo = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            if (owner == null || parser.idle()) {
                // Bytes from an idle backend, or a response nobody asked for: the connection is unusable.
                if (!onlyLineBreaks(in)) {
                    ctx.close();
                }
                return;
            }
            parser.feed(in, this);
            if (in.isReadable()) {
                if (parser.upgraded() && upgradedTo != null) {
                    upgradedTo.writeAndFlush(in.retain(), upgradedTo.voidPromise());
                } else if (!onlyLineBreaks(in)) {
                    ctx.close(); // more than the one response we asked for
                }
            }
        } finally {
            in.release();
        }
    }

    /** Some servers send a stray CRLF after a body; that alone does not spoil a connection. */
    private static boolean onlyLineBreaks(ByteBuf in) {
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            byte c = in.getByte(i);
            if (c != '\r' && c != '\n') {
                return false;
            }
        }
        in.skipBytes(in.readableBytes());
        return true;
    }

    @Override
    public void onResponseHead(ResponseParser head) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendHead(head);
        }
    }

    @Override
    public void onResponseContent(ByteBuf payload) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendContent(payload);
        }
    }

    @Override
    public void onResponseEnd(ByteBuf trailers) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendEnd(trailers);
        } else if (trailers != null) {
            trailers.release();
        }
    }

    @Override
    public void onResponseMalformed(String why) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendMalformed(why);
        }
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendReadComplete();
        } else if (ctx.channel().isActive()) {
            ctx.read(); // keep watching an idle pooled connection for EOF
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        BackendListener o = owner;
        if (o != null) {
            o.onBackendWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ChannelOutputShutdownException) {
            // A write failed and Netty shut our output down (the pool turns auto-close off): the
            // backend stopped reading the request, perhaps because it has answered it. The answer is
            // read like any other; the connection ends with it and never goes back to the pool.
            return;
        }
        failure = cause;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (owner != null && parser.untilClose()) {
            parser.eof(this); // the close is the end of this body
        }
        parser.release();
        BackendListener o = owner;
        owner = null;
        if (o != null) {
            o.onBackendClosed(failure);
        } else {
            pool.evict(this);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        parser.releaseBuffers(); // replaced by a splice after a 101: the parser's state still says so
    }
}
