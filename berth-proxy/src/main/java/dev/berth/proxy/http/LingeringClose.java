package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP/1 connection whose client may still be sending its request body (a 413, a backend
 * that answered an upload early): the response goes out, then what the client still sends is read
 * and dropped until it closes, goes quiet or sends too much, and only then the connection closes.
 * A plain close with unread bytes in the socket makes the kernel answer them with a reset, and the
 * reset can destroy the response in the client's buffers before it is read (RFC 9112 §9.6). Like
 * nginx's lingering close, it is bounded in time, not in bytes: an upload already in the kernel's
 * buffers when the client reads its answer can be megabytes, and dropping it costs little.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long startedAt = System.nanoTime();
    private long lastReadAt = startedAt;
    private ScheduledFuture<?> timer;

    private LingeringClose() {
    }

    /** Lingers once {@code lastWrite}, the end of the connection's last response, has left. */
    static void after(ChannelFuture lastWrite) {
        lastWrite.addListener(f -> {
            Channel ch = lastWrite.channel();
            if (f.isSuccess()) {
                // Not inline: the listener may run inside the exchange handler that is about to be removed.
                ch.eventLoop().execute(() -> begin(ch));
            } else {
                ch.close();
            }
        });
    }

    private static void begin(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        // Added before the HTTP handlers go, so the bytes the request decoder still holds come here.
        p.addLast("linger", new LingeringClose());
        for (String name : new String[] {"proxy", "http"}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        // The FIN tells the client the response is whole. Over TLS the end is close_notify, which the
        // final close sends; an SSLEngine after close_notify reads no more.
        if (p.get(SslHandler.class) == null && ch instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> check(ctx), QUIET_NANOS, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        long due = Math.min(lastReadAt + QUIET_NANOS, startedAt + MAX_NANOS);
        if (now - due >= 0) {
            ctx.close();
        } else {
            timer = ctx.executor().schedule(() -> check(ctx), due - now, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        lastReadAt = System.nanoTime();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
            ctx.close(); // the client has finished sending
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel(false);
        ctx.fireChannelInactive();
    }
}
