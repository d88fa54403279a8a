package dev.berth.proxy.http;

import dev.berth.proxy.metrics.PrometheusMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/** The metrics entrypoint: {@code GET /metrics} (Prometheus text) and {@code GET /healthz}. */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusMetrics metrics;

    MetricsHandler(PrometheusMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = req.uri();
        int q = path.indexOf('?');
        path = q < 0 ? path : path.substring(0, q);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        FullHttpResponse resp;
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            resp = LocalResponses.text(ctx.alloc(), req.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only", keepAlive);
        } else if (path.equals("/metrics")) {
            ByteBuf body = Unpooled.wrappedBuffer(metrics.scrape());
            resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            HttpUtil.setKeepAlive(resp, keepAlive);
        } else if (path.equals("/healthz")) {
            resp = LocalResponses.text(ctx.alloc(), req.protocolVersion(), HttpResponseStatus.OK, "ok", keepAlive);
        } else {
            resp = LocalResponses.text(ctx.alloc(), req.protocolVersion(), HttpResponseStatus.NOT_FOUND, "try /metrics", keepAlive);
        }
        var f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
