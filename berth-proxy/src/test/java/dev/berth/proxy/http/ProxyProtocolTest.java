package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.EchoServers;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behind a load balancer that speaks the PROXY protocol, the client the proxy names is the real one. */
@Timeout(60)
class ProxyProtocolTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";

    static final String SECURE = "secure.berth.localhost";

    TestBackend backend;
    EchoServers echo;
    ProxyServer proxy;
    int tcpPort;
    TestCertificates.Issued ca;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend();
        echo = new EchoServers();
        tcpPort = Ports.free();
        ca = TestCertificates.ca("PROXY protocol CA");
        int tlsEcho = echo.tlsEcho(TestCertificates.leaf(ca, SECURE));
        RouteTableHolder routes = new RouteTableHolder(RouteTable.of(1, List.of(
                new Route(RouteKey.http(HOST), "i1", backend.endpoint()),
                new Route(RouteKey.tls(SECURE), "i3", new Endpoint("127.0.0.1", tlsEcho)),
                new Route(RouteKey.tcp(tcpPort), "i2", new Endpoint("127.0.0.1", echo.tcpEcho())))));
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", tcpPort, tcpPort))
                .entrypoint(Entrypoint.tls("tls", "127.0.0.1", 0))
                .proxyProtocolFrom(TrustedSources.parse(List.of("127.0.0.1/32", "fd00::/8")))
                .eventLoopThreads(1)
                .build(), routes);
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
        backend.close();
    }

    static byte[] v2(HAProxyMessage m) {
        EmbeddedChannel ch = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        ch.writeOutbound(m);
        ByteBuf out = ch.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        ch.finishAndReleaseAll();
        return bytes;
    }

    @Test
    void versionOneNamesTheClientForEveryRequestOfTheConnection() throws Exception {
        try (RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send("PROXY TCP4 203.0.113.7 127.0.0.1 51234 80\r\n");
            for (int i = 0; i < 2; i++) {
                String seen = c.send(RawHttp.get(HOST, "/headers")).read().text();
                assertTrue(seen.contains("x-forwarded-for: 203.0.113.7\n"), seen);
                assertTrue(seen.contains("x-real-ip: 203.0.113.7\n"), seen);
            }
        }
    }

    @Test
    void versionTwoInTheSameSegmentAsTheRequest() throws Exception {
        byte[] header = v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6,
                "2001:db8::7", "::1", 40000, 80));
        byte[] request = RawHttp.get(HOST, "/headers").getBytes(StandardCharsets.US_ASCII);
        byte[] both = new byte[header.length + request.length];
        System.arraycopy(header, 0, both, 0, header.length);
        System.arraycopy(request, 0, both, header.length, request.length);
        try (RawHttp c = new RawHttp(proxy.httpPort())) {
            String seen = c.send(both).read().text();
            assertTrue(seen.contains("x-forwarded-for: 2001:db8::7\n"), seen);
        }
    }

    @Test
    void aHealthCheckWithLocalKeepsThePeer() throws Exception {
        byte[] local = v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL,
                HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0));
        try (RawHttp c = new RawHttp(proxy.httpPort())) {
            String seen = c.send(local).send(RawHttp.get(HOST, "/headers")).read().text();
            assertTrue(seen.contains("x-forwarded-for: 127.0.0.1\n"), seen);
        }
    }

    @Test
    void aTrustedPeerWithoutAHeaderIsClosedUnserved() throws Exception {
        try (RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send(RawHttp.get(HOST, "/hello"));
            assertTrue(c.closedByPeerWithin(5_000));
        }
        assertEquals(0, backend.requests.get(), "nothing reached the instance");
    }

    @Test
    void anUntrustedPeerCannotClaimAnotherAddress() throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.2", 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.httpPort()));
        try (RawHttp c = new RawHttp(s)) {
            RawHttp.Response spoof = c.send("PROXY TCP4 203.0.113.7 127.0.0.1 51234 80\r\n" + RawHttp.get(HOST, "/headers")).read();
            assertEquals(400, spoof.status(), "its header is an invalid request line");
        }
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress("127.0.0.2", 0));
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.httpPort()));
        try (RawHttp c = new RawHttp(plain)) {
            String seen = c.send(RawHttp.get(HOST, "/headers")).read().text();
            assertTrue(seen.contains("x-forwarded-for: 127.0.0.2\n"), seen);
        }
    }

    @Test
    void aTcpRouteRelaysWhatFollowsTheHeaderOnly() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 51234 4000\r\nping".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(4));
        }
    }

    @Test
    void tlsPassthroughRoutesByTheSniThatFollowsTheHeader() throws Exception {
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), proxy.port("tls"));
        raw.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 51234 443\r\n".getBytes(StandardCharsets.US_ASCII));
        SSLSocket s = (SSLSocket) TlsClients.trusting(ca.cert()).getSocketFactory().createSocket(raw, SECURE, raw.getPort(), true);
        try (s) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(SECURE)));
            s.setSSLParameters(p);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertArrayEquals("tls:ping".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(8),
                    "the instance's own TLS echo, reached through SNI routing");
        }
    }

    @Test
    void badEntriesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrustedSources.parse(List.of("lb.example.com")))
                .getMessage().contains("'lb.example.com' is not an IP address"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrustedSources.parse(List.of("10.0.0.0/33")))
                .getMessage().contains("0 to 32"));
        assertTrue(TrustedSources.parse(List.of("10.0.0.0/8")).trusts(new InetSocketAddress("10.200.3.4", 1)));
        assertTrue(!TrustedSources.parse(List.of("10.0.0.0/8")).trusts(new InetSocketAddress("11.0.0.1", 1)));
    }
}
