package dev.berth.proxy.tcp;

import dev.berth.model.ProxyProtocolVersion;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (HAProxy's spec, v1 or v2; Netty's encoder) a tunnel to an instance
 * starts with when its route asks for one: the player's address and port as source ({@link
 * ClientOrigin}), the proxy address they connected to as destination. Without it a TCP challenge
 * sees every player as the proxy.
 */
public final class ProxyProtocolHeader {
    private static final byte[] V1_UNKNOWN = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProxyProtocolHeader() {
    }

    /** The header for {@code client}'s connection. */
    public static HAProxyMessage of(ProxyProtocolVersion version, Channel client) {
        HAProxyProtocolVersion v = version == ProxyProtocolVersion.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        SocketAddress source = ClientOrigin.of(client);
        SocketAddress destination = client.localAddress();
        if (!(source instanceof InetSocketAddress src) || src.getAddress() == null
                || !(destination instanceof InetSocketAddress dst) || dst.getAddress() == null) {
            // Not an IP connection: the spec's UNKNOWN, which tells the instance to use the connection's own addresses.
            return new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
        }
        boolean ipv4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        return new HAProxyMessage(v, HAProxyCommand.PROXY, ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(src.getAddress(), ipv4), text(dst.getAddress(), ipv4), src.getPort(), dst.getPort());
    }

    /** Both addresses must be of one family: an IPv4 one next to an IPv6 one is written IPv4-mapped. */
    private static String text(InetAddress a, boolean ipv4) {
        if (ipv4 || !(a instanceof Inet4Address)) {
            return NetUtil.toAddressString(a);
        }
        return "::ffff:" + a.getHostAddress();
    }

    /** Writes and flushes the header on a backend connection before anything else goes on it. Call on its event loop. */
    public static void write(Channel backend, ProxyProtocolVersion version, Channel client) {
        HAProxyMessage header = of(version, client);
        if (version == ProxyProtocolVersion.V1 && header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN) {
            // Netty's v1 encoder would write the addresses UNKNOWN has not; the spec's line is this.
            header.release();
            backend.writeAndFlush(Unpooled.copiedBuffer(V1_UNKNOWN));
            return;
        }
        ChannelPipeline p = backend.pipeline();
        p.addFirst("proxy-protocol-out", HAProxyMessageEncoder.INSTANCE);
        backend.writeAndFlush(header); // a failed write shows as the backend's close to the relay
        p.remove("proxy-protocol-out");
    }
}
