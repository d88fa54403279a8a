package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 from clients: each stream becomes a child channel that speaks HTTP/1-style objects, so
 * the same {@link HttpProxyHandler} proxies it to an HTTP/1.1 backend. Per-stream backpressure
 * comes from h2 flow control: a stream's window only reopens as its child channel is read.
 */
final class Http2Pipeline {
    private static final int MAX_CONCURRENT_STREAMS = 250;

    private Http2Pipeline() {
    }

    /** @param scheme "https" after ALPN, "http" for h2c: what X-Forwarded-Proto tells backends */
    static void install(Channel ch, ProxyContext px, String entrypoint, String scheme) {
        ProxyConfig c = px.config();
        long idle = c.idleTimeout().toMillis();
        ChannelPipeline p = ch.pipeline();
        p.addLast("h2-idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(c.maxHeaderSize()))
                // A close sends GOAWAY, then waits this long for the streams under way (the builder's
                // default is 0: cut them at once), as a graceful stop does for HTTP/1 exchanges.
                .gracefulShutdownTimeoutMillis(c.shutdownGrace().toMillis())
                .build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                stream.pipeline().addLast("flow", new FlowControlHandler());
                stream.pipeline().addLast("proxy", new HttpProxyHandler(px, entrypoint, scheme, true, -1));
            }
        }));
        p.addLast("h2-idle-close", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent) {
                    ctx.close(); // the h2 codec says GOAWAY first
                } else {
                    ctx.fireUserEventTriggered(evt);
                }
            }
        });
        // Streams are read on demand; the connection itself must keep reading for every stream.
        ch.config().setAutoRead(true);
    }
}
