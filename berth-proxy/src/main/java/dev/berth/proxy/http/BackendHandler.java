package dev.berth.proxy.http;

import dev.berth.model.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a backend connection, and the connection's handle in its pool. It relays to
 * whichever client handler owns the connection; while the connection sits idle in the pool it
 * owns it itself, and anything arriving then is a protocol error.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    final Endpoint endpoint;
    private final BackendPool.LoopPool pool;
    private BackendListener owner;
    private Throwable failure;
    Channel channel;
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
        channel = ctx.channel();
    }

    void owner(BackendListener listener) {
        owner = listener;
    }

    BackendListener owner() {
        return owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        BackendListener o = owner;
        if (o != null && msg instanceof HttpObject h) {
            o.onBackendMessage(h);
        } else {
            // Bytes from an idle backend, or a response nobody asked for: the connection is unusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
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
        failure = cause;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        BackendListener o = owner;
        owner = null;
        if (o != null) {
            o.onBackendClosed(failure);
        } else {
            pool.evict(this);
        }
    }
}
