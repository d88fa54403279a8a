package dev.berth.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where a client connection really comes from: the client a trusted load balancer named in its
 * PROXY protocol header, else the connection's peer. Every entrypoint asks this, so forwarded
 * headers, access logs and the PROXY headers sent on to instances agree. A connection from a
 * trusted balancer has its origin {@linkplain #awaited awaited} until the header is read; then
 * {@link #KNOWN} is fired down its pipeline.
 */
public final class ClientOrigin {
    /** The user event fired on a connection once its PROXY header has been read. */
    public static final Object KNOWN = new Object() {
        @Override
        public String toString() {
            return "ClientOrigin.KNOWN";
        }
    };
    private static final AttributeKey<InetSocketAddress> FROM_HEADER = AttributeKey.valueOf("berth.proxyProtocolClient");
    private static final AttributeKey<Boolean> AWAITED = AttributeKey.valueOf("berth.proxyProtocolAwaited");

    private ClientOrigin() {
    }

    /** {@code connection} starts with a PROXY header: its origin is not known before that is read. */
    public static void expect(Channel connection) {
        connection.attr(AWAITED).set(Boolean.TRUE);
    }

    /** The header was read; {@code client} is the client it named, or null (LOCAL, UNKNOWN: the peer stands). */
    public static void known(Channel connection, InetSocketAddress client) {
        if (client != null) {
            connection.attr(FROM_HEADER).set(client);
        }
        connection.attr(AWAITED).set(null);
    }

    /** Whether {@code connection}'s PROXY header is still to be read. */
    public static boolean awaited(Channel connection) {
        return connection.attr(AWAITED).get() != null;
    }

    /** The client of {@code connection}: its PROXY header's source, else its peer. */
    public static SocketAddress of(Channel connection) {
        InetSocketAddress fromHeader = connection.attr(FROM_HEADER).get();
        return fromHeader != null ? fromHeader : connection.remoteAddress();
    }
}
