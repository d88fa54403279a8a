package dev.berth.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Relays raw bytes between two connections: after a WebSocket upgrade, for TLS passthrough and
 * for raw TCP routes. Both channels must have auto-read off; each side reads only while the
 * other can take more, so a slow reader slows the fast writer instead of filling memory.
 * A half-close (EOF) on one side is passed on as a half-close on the other where the transport
 * supports it, which line-based CTF services (send, EOF, read the answer) rely on; a TLS-terminated
 * client is sent close_notify before the TCP half-close.
 */
public final class Splice {
    private Splice() {
    }

    /** A relay to install as the last handler of one side's pipeline, forwarding to {@code peer}. */
    public static ChannelHandler relayTo(Channel peer) {
        return new Relay(peer);
    }

    /** Installs relays at the ends of both pipelines and starts reading. Call on the channels' event loop. */
    public static void join(Channel a, Channel b) {
        a.pipeline().addLast("splice", relayTo(b));
        b.pipeline().addLast("splice", relayTo(a));
        start(a, b);
    }

    /** Starts reading on both sides once relays are installed. */
    public static void start(Channel a, Channel b) {
        a.read();
        b.read();
    }

    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private boolean inputShutdown;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (!peer.isActive()) {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf && peer.isActive()) {
                peer.write(msg, peer.voidPromise());
            } else {
                // Not bytes (e.g. a decoded object left over from a protocol switch) or no peer: unusable.
                ReferenceCountUtil.release(msg);
                if (!(msg instanceof ByteBuf)) {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (peer.isWritable() && !inputShutdown) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputShutdown = true;
                if (peer instanceof DuplexChannel d && !d.isOutputShutdown()) {
                    // Half-close only once everything before the EOF is written: shutdownOutput drops what is
                    // still queued, and an SslHandler (TLS termination) holds writes until its handshake is done.
                    Channel self = ctx.channel();
                    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(w -> {
                        if (!w.isSuccess()) {
                            closeBoth(self);
                            return;
                        }
                        // A TLS-terminated peer first gets close_notify, so its client can tell the end
                        // of the stream from a truncation.
                        SslHandler tls = peer.pipeline().get(SslHandler.class);
                        ChannelFuture ended = tls == null ? peer.newSucceededFuture() : tls.closeOutbound();
                        ended.addListener(c -> d.shutdownOutput().addListener(f -> closeIfBothShut(self)));
                    });
                } else {
                    closeBoth(ctx.channel());
                }
                closeIfBothShut(ctx.channel());
                return;
            }
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                closeBoth(ctx.channel());
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void closeIfBothShut(Channel self) {
            if (self instanceof DuplexChannel s && peer instanceof DuplexChannel p
                    && s.isInputShutdown() && p.isInputShutdown()) {
                closeBoth(self);
            }
        }

        private void closeBoth(Channel self) {
            self.close();
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
