package dev.berth.proxy.http;

import dev.berth.proxy.tcp.ClientOrigin;
import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The client's IP as forwarded headers and the access log name it: the address a trusted load
 * balancer gave in a PROXY protocol header, else the connection's peer; RFC 5952 text for IPv6
 * ({@code 2001:db8::7}), as other proxies write it. Worked out once per connection, when first asked.
 */
final class ClientAddress {
    private final Channel connection;
    private String text;
    private byte[] ascii;

    /**
     * @param channel      the client connection, or an h2 stream
     * @param http2Stream  the channel is an h2 stream, whose client is its parent connection's
     *                     (an accepted connection's parent is the listening socket)
     */
    ClientAddress(Channel channel, boolean http2Stream) {
        this.connection = http2Stream && channel.parent() != null ? channel.parent() : channel;
    }

    String text() {
        String t = text;
        if (t == null) {
            SocketAddress a = ClientOrigin.of(connection);
            t = a instanceof InetSocketAddress isa && isa.getAddress() != null ? NetUtil.toAddressString(isa.getAddress()) : "unknown";
            text = t;
        }
        return t;
    }

    byte[] ascii() {
        if (ascii == null) {
            ascii = text().getBytes(StandardCharsets.US_ASCII);
        }
        return ascii;
    }
}
