package dev.berth.proxy.http;

import dev.berth.proxy.tcp.ClientOrigin;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Reads the PROXY protocol header (v1 or v2, Netty's decoder) that a trusted load balancer puts
 * in front of each connection, so X-Forwarded-For, X-Real-IP, the access log and the PROXY
 * headers sent on to instances name the real client ({@link ClientOrigin}). Sits on each listening
 * socket and equips connections from {@link TrustedSources} before anything else reads them; such a connection without a valid header is closed (as HAProxy's
 * {@code accept-proxy} does). Other peers are served as they are: a header from them is just bytes.
 */
@ChannelHandler.Sharable
final class ProxyProtocolAcceptor extends ChannelInboundHandlerAdapter {
    private final TrustedSources trusted;

    ProxyProtocolAcceptor(TrustedSources trusted) {
        this.trusted = trusted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel accepted && trusted.trusts(accepted.remoteAddress())) {
            ClientOrigin.expect(accepted);
            accepted.pipeline().addFirst("proxy-protocol", new HAProxyMessageDecoder())
                    .addAfter("proxy-protocol", "proxy-protocol-client", new HeaderReader());
        }
        ctx.fireChannelRead(msg);
    }

    private static final class HeaderReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            InetSocketAddress client = null;
            try {
                // LOCAL (the balancer's own health check) and UNKNOWN carry no client: the peer stands.
                byte[] source = header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                        ? NetUtil.createByteArrayFromIpAddressString(header.sourceAddress()) : null;
                if (source != null) {
                    client = new InetSocketAddress(InetAddress.getByAddress(source), header.sourcePort());
                }
            } catch (UnknownHostException impossible) {
                // a literal of four or sixteen bytes always makes an address
            } finally {
                header.release();
            }
            ClientOrigin.known(ctx.channel(), client);
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(ClientOrigin.KNOWN); // a TCP tunnel waits for this to open its backend
            ctx.read(); // the header used up the read the handlers behind asked for
        }
    }
}
