package dev.berth.proxy.testutil;

import dev.berth.testing.TestCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Small Netty backends for the byte-level tests: WebSocket echo, TCP echo, TLS echo. */
public final class EchoServers implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);

    private int bind(Consumer<Channel> init) throws InterruptedException {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        init.accept(c);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** WebSocket on path /ws: text "x" comes back as "echo: x", binary comes back as is. */
    public int webSocketEcho() throws InterruptedException {
        return bind(c -> c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/ws"),
                new SimpleChannelInboundHandler<WebSocketFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                        if (f instanceof TextWebSocketFrame t) {
                            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + t.text()));
                        } else if (f instanceof BinaryWebSocketFrame b) {
                            ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
                        }
                    }
                }));
    }

    /** Echoes bytes; on EOF from the client it writes "bye" and half-closes back. */
    public int tcpEcho() throws InterruptedException {
        return bind(c -> c.pipeline().addLast(echo(null)));
    }

    /** A TLS echo (an instance that terminates TLS itself) serving {@code cert} and its issuer; answers "tls:" + what it got. */
    public int tlsEcho(TestCertificates.Issued cert) throws InterruptedException, javax.net.ssl.SSLException {
        SslContext ssl = SslContextBuilder.forServer(cert.key(), cert.cert(), cert.issuer()).build();
        return bind(c -> {
            c.pipeline().addLast(ssl.newHandler(c.alloc()));
            c.pipeline().addLast(echo("tls:"));
        });
    }

    /**
     * An instance that wants a PROXY protocol header (v1 or v2, Netty's decoder) before anything
     * else, and closes without one. Its first answer starts with what the header said,
     * {@code "v2 127.0.0.1:40000 > 127.0.0.1:31337 "}, then it echoes. With {@code cert} it
     * terminates TLS after the header, as an instance behind TLS passthrough does.
     */
    public int proxyHeaderEcho(TestCertificates.Issued cert) throws InterruptedException, javax.net.ssl.SSLException {
        SslContext ssl = cert == null ? null : SslContextBuilder.forServer(cert.key(), cert.cert(), cert.issuer()).build();
        return bind(c -> c.pipeline().addLast(new HAProxyMessageDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof HAProxyMessage h)) {
                    ReferenceCountUtil.release(msg);
                    ctx.close();
                    return;
                }
                String said = h.protocolVersion().name().toLowerCase(java.util.Locale.ROOT) + " " + h.sourceAddress() + ":"
                        + h.sourcePort() + " > " + h.destinationAddress() + ":" + h.destinationPort() + " ";
                h.release();
                ChannelPipeline p = ctx.pipeline();
                p.replace(this, "echo", echoOnce(said));
                if (ssl != null) {
                    p.addBefore("echo", "tls", ssl.newHandler(ctx.alloc()));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // no header, or a malformed one
            }
        }));
    }

    /** Echoes, with {@code prefix} before the first answer only. */
    private static ChannelInboundHandlerAdapter echoOnce(String prefix) {
        return new ChannelInboundHandlerAdapter() {
            private boolean prefixed;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!prefixed) {
                    prefixed = true;
                    ctx.write(ctx.alloc().buffer().writeBytes(prefix.getBytes(StandardCharsets.US_ASCII)));
                }
                ctx.writeAndFlush(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        };
    }

    private static ChannelInboundHandlerAdapter echo(String prefix) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                if (prefix != null) {
                    ctx.write(ctx.alloc().buffer().writeBytes(prefix.getBytes(StandardCharsets.US_ASCII)));
                }
                ctx.writeAndFlush(b);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("bye".getBytes(StandardCharsets.US_ASCII)))
                            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
