package dev.berth.proxy.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.ProxyProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header's addresses for each kind of client connection, as the spec's bytes. */
class ProxyProtocolHeaderTest {
    /** A client connection with the addresses a real one would have. */
    private static final class Connection extends EmbeddedChannel {
        private final SocketAddress local;
        private final SocketAddress remote;

        Connection(SocketAddress local, SocketAddress remote) {
            this.local = local;
            this.remote = remote;
        }

        @Override
        protected SocketAddress localAddress0() {
            return local;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    private static String v1(HAProxyMessage m) {
        EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        out.writeOutbound(m);
        ByteBuf b = out.readOutbound();
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    @Test
    void anIpv4ClientIsWrittenAsTcp4() {
        Connection c = new Connection(new InetSocketAddress("10.0.0.1", 31337), new InetSocketAddress("198.51.100.9", 50000));
        assertEquals("PROXY TCP4 198.51.100.9 10.0.0.1 50000 31337\r\n", v1(ProxyProtocolHeader.of(ProxyProtocolVersion.V1, c)));
    }

    @Test
    void theClientATrustedBalancerNamedWinsOverThePeer() {
        Connection c = new Connection(new InetSocketAddress("10.0.0.1", 31337), new InetSocketAddress("10.0.0.200", 40000));
        ClientOrigin.known(c, new InetSocketAddress("203.0.113.7", 4242));
        assertEquals("PROXY TCP4 203.0.113.7 10.0.0.1 4242 31337\r\n", v1(ProxyProtocolHeader.of(ProxyProtocolVersion.V1, c)));
    }

    @Test
    void anIpv6ClientOnAnIpv4ListenerMakesBothIpv6() {
        Connection c = new Connection(new InetSocketAddress("10.0.0.1", 443), new InetSocketAddress("10.0.0.200", 40000));
        ClientOrigin.known(c, new InetSocketAddress("2001:db8::7", 4242));
        assertEquals("PROXY TCP6 2001:db8::7 ::ffff:10.0.0.1 4242 443\r\n", v1(ProxyProtocolHeader.of(ProxyProtocolVersion.V1, c)));
    }

    @Test
    void v2CarriesTheSameAddressesInBinary() {
        Connection c = new Connection(new InetSocketAddress("10.0.0.1", 31337), new InetSocketAddress("198.51.100.9", 50000));
        EmbeddedChannel wire = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        wire.writeOutbound(ProxyProtocolHeader.of(ProxyProtocolVersion.V2, c));
        ByteBuf bytes = wire.readOutbound();
        EmbeddedChannel reader = new EmbeddedChannel(new HAProxyMessageDecoder());
        reader.writeInbound(bytes);
        HAProxyMessage m = reader.readInbound();
        try {
            assertEquals("V2 TCP4 198.51.100.9:50000 > 10.0.0.1:31337", m.protocolVersion() + " " + m.proxiedProtocol() + " "
                    + m.sourceAddress() + ":" + m.sourcePort() + " > " + m.destinationAddress() + ":" + m.destinationPort());
        } finally {
            m.release();
        }
    }

    @Test
    void whatGoesOnTheBackendConnectionComesFirstAndAloneAndTheEncoderLeaves() {
        Connection c = new Connection(new InetSocketAddress("10.0.0.1", 31337), new InetSocketAddress("198.51.100.9", 50000));
        EmbeddedChannel backend = new EmbeddedChannel();
        ProxyProtocolHeader.write(backend, ProxyProtocolVersion.V1, c);
        assertEquals("PROXY TCP4 198.51.100.9 10.0.0.1 50000 31337\r\n", text(backend.readOutbound()));
        assertEquals(java.util.List.of("DefaultChannelPipeline$TailContext#0"), backend.pipeline().names());
    }

    @Test
    void aConnectionWithoutIpAddressesSaysUnknown() {
        EmbeddedChannel backend = new EmbeddedChannel();
        ProxyProtocolHeader.write(backend, ProxyProtocolVersion.V1, new EmbeddedChannel());
        assertEquals("PROXY UNKNOWN\r\n", text(backend.readOutbound()));
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }
}
