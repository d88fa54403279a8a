package dev.berth.proxy.http;

import dev.berth.proxy.metrics.ProxyMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** First handler of every accepted connection: counts it open and closed for one entrypoint. */
@ChannelHandler.Sharable
final class ConnectionCounter extends ChannelInboundHandlerAdapter {
    private final ProxyMetrics metrics;
    private final String entrypoint;

    ConnectionCounter(ProxyMetrics metrics, String entrypoint) {
        this.metrics = metrics;
        this.entrypoint = entrypoint;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionOpened(entrypoint);
        ctx.pipeline().remove(this); // its job now is only to notice the close
        ctx.channel().closeFuture().addListener(f -> metrics.connectionClosed(entrypoint));
        super.channelActive(ctx);
    }
}
