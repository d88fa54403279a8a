package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The connections clients opened to the proxy's listeners, for a graceful stop. Sits on each
 * listening socket, where accepted connections pass by as messages before they are set up.
 */
@ChannelHandler.Sharable
final class ClientConnections extends ChannelInboundHandlerAdapter {
    /** Tells a connection the proxy is stopping: finish the exchange under way, then close. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private final ChannelGroup open = new DefaultChannelGroup("berth-clients", GlobalEventExecutor.INSTANCE);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel accepted) {
            open.add(accepted);
        }
        ctx.fireChannelRead(msg);
    }

    int size() {
        return open.size();
    }

    /**
     * Asks every open connection to finish and close: HTTP/1 ones close when idle or after their
     * exchange; HTTP/2 ones send GOAWAY and close after their open streams (Netty's graceful close);
     * tunnels (WebSocket, TCP, TLS passthrough) carry on. Returns once all are closed or
     * {@code grace} has passed; what is still open then is the caller's to cut.
     *
     * @return whether every connection closed in time
     */
    boolean drain(Duration grace) throws InterruptedException {
        for (Channel ch : open) {
            ch.eventLoop().execute(() -> {
                if (ch.pipeline().get(Http2FrameCodec.class) != null) {
                    ch.close();
                } else {
                    ch.pipeline().fireUserEventTriggered(DRAIN);
                }
            });
        }
        return open.newCloseFuture().await(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
