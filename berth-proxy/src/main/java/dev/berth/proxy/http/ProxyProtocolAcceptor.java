package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * Reads the PROXY protocol header (v1 or v2, Netty's decoder) that a trusted load balancer puts
 * in front of each connection, so X-Forwarded-For, X-Real-IP and the access log name the real
 * client. Sits on each listening socket and equips connections from {@link TrustedSources} before
 * anything else reads them; such a connection without a valid header is closed (as HAProxy's
 * {@code accept-proxy} does). Other peers are served as they are: a header from them is just bytes.
 */
@ChannelHandler.Sharable
final class ProxyProtocolAcceptor extends ChannelInboundHandlerAdapter {
    /** The client a PROXY header named; absent when the connection had none. */
    static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("berth.proxyProtocolClient");

    private final TrustedSources trusted;

    ProxyProtocolAcceptor(TrustedSources trusted) {
        this.trusted = trusted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel accepted && trusted.trusts(accepted.remoteAddress())) {
            accepted.pipeline().addFirst("proxy-protocol", new HAProxyMessageDecoder())
                    .addAfter("proxy-protocol", "proxy-protocol-client", new HeaderReader());
        }
        ctx.fireChannelRead(msg);
    }

    /** The client address of a connection: its PROXY header's source, else its peer. */
    static SocketAddress clientOf(Channel ch) {
        InetSocketAddress fromHeader = ch.attr(CLIENT).get();
        return fromHeader != null ? fromHeader : ch.remoteAddress();
    }

    private static final class HeaderReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                // LOCAL (the balancer's own health check) and UNKNOWN carry no client: the peer stands.
                byte[] source = header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                        ? NetUtil.createByteArrayFromIpAddressString(header.sourceAddress()) : null;
                if (source != null) {
                    ctx.channel().attr(CLIENT).set(new InetSocketAddress(InetAddress.getByAddress(source), header.sourcePort()));
                }
            } catch (UnknownHostException impossible) {
                // a literal of four or sixteen bytes always makes an address
            } finally {
                header.release();
            }
            ctx.pipeline().remove(this);
            ctx.read(); // the header used up the read the handlers behind asked for
        }
    }
}
