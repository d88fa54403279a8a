package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Times the gap between requests on a client connection, in front of the HTTP decoder (it sees
 * raw bytes): with no byte of a next request for {@code keepAliveMillis} the connection is
 * quietly closed; once the first byte arrives, the whole header block must follow within
 * {@code headerMillis}, else {@link #HEADER_TIMEOUT} is fired so the proxy answers 408. That bound
 * is what keeps slowloris clients from holding connections.
 */
final class RequestReadTimeoutHandler extends ChannelInboundHandlerAdapter {
    /** User event: a request's header block did not complete in time. */
    static final Object HEADER_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "REQUEST_HEADER_TIMEOUT";
        }
    };

    private final long keepAliveMillis;
    private final long headerMillis;
    private ChannelHandlerContext ctx;
    private boolean awaiting = true;
    private boolean started;
    private ScheduledFuture<?> timer;

    RequestReadTimeoutHandler(long keepAliveMillis, long headerMillis) {
        this.keepAliveMillis = keepAliveMillis;
        this.headerMillis = headerMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(keepAliveMillis, false);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(keepAliveMillis, false);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (awaiting && !started && msg instanceof ByteBuf b && b.isReadable()) {
            started = true;
            arm(headerMillis, true);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The proxy is ready for the next request on this connection. */
    void awaitRequest() {
        awaiting = true;
        started = false;
        arm(keepAliveMillis, false);
    }

    /** A complete request head was decoded. */
    void requestReceived() {
        awaiting = false;
        cancel();
    }

    private void arm(long millis, boolean header) {
        cancel();
        if (millis > 0) {
            timer = ctx.executor().schedule(() -> fire(header), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void fire(boolean header) {
        timer = null;
        if (!awaiting || !ctx.channel().isActive()) {
            return;
        }
        if (header) {
            ctx.fireUserEventTriggered(HEADER_TIMEOUT);
        } else {
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
