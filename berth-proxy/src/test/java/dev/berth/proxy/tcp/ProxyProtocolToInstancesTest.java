package dev.berth.proxy.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.Endpoint;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.http.TlsConfig;
import dev.berth.proxy.http.TrustedSources;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.EchoServers;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes whose port asks for {@code proxyProtocol}: the instance reads a PROXY header naming the
 * player before the player's first byte, on raw TCP, TLS passthrough (before the ClientHello) and
 * terminated TLS (before the plaintext); behind a trusted load balancer it names the balancer's
 * client. Backends are real sockets: one echoes the header's bytes back as they came, the other
 * parses it with Netty's decoder and refuses a connection without one.
 */
@Timeout(60)
class ProxyProtocolToInstancesTest {
    static final TestCertificates.Issued CA = TestCertificates.ca("PROXY protocol test CA");
    static final String PASSTHROUGH = "secure.ctf.berth.localhost";
    static final String TERMINATED = "a3f4b92c8d.ctf.berth.localhost";

    @TempDir
    Path dir;
    final EchoServers echo = new EchoServers();
    final List<ProxyServer> proxies = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ProxyServer p : proxies) {
            p.close();
        }
        echo.close();
    }

    private ProxyServer start(ProxyConfig.Builder config, Route... routes) throws Exception {
        ProxyServer proxy = new ProxyServer(config.eventLoopThreads(2).build(), new RouteTableHolder(RouteTable.of(1, List.of(routes))));
        proxies.add(proxy);
        proxy.start();
        return proxy;
    }

    private static Route tcp(int port, int backend, ProxyProtocolVersion v) {
        return new Route(RouteKey.tcp(port), "i" + port, new Endpoint("127.0.0.1", backend), false, v);
    }

    /** Writes a line, reads lines until one ends with {@code last} (or EOF). */
    private static List<String> exchange(Socket s, String line, String last) throws IOException {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        List<String> lines = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String l = b.toString();
                lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
                b.setLength(0);
                if (l.endsWith(last)) {
                    break;
                }
            } else {
                b.append((char) c);
            }
        }
        return lines;
    }

    @Test
    void aTcpRouteSendsTheV1LineFirstAndTheInstanceSeesThePlayer() throws Exception {
        int port = Ports.free();
        start(ProxyConfig.builder().entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", port, port)),
                tcp(port, echo.tcpEcho(), ProxyProtocolVersion.V1));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // The echo sends back every byte it got: the header exactly as the spec writes it, then ours.
            assertEquals(List.of("PROXY TCP4 127.0.0.1 127.0.0.1 " + s.getLocalPort() + " " + port, "hello"),
                    exchange(s, "hello", "hello"));
        }
    }

    @Test
    void aTcpRouteSendsTheV2HeaderAndOneWithoutItSendsNothing() throws Exception {
        int v2 = Ports.free();
        int plain = Ports.free();
        start(ProxyConfig.builder().entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", Math.min(v2, plain), Math.max(v2, plain))),
                tcp(v2, echo.proxyHeaderEcho(null), ProxyProtocolVersion.V2), tcp(plain, echo.tcpEcho(), null));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), v2)) {
            assertEquals(List.of("v2 127.0.0.1:" + s.getLocalPort() + " > 127.0.0.1:" + v2 + " hello"), exchange(s, "hello", "hello"));
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), plain)) {
            assertEquals(List.of("hello"), exchange(s, "hello", "hello"));
        }
    }

    @Test
    void tlsRoutesSendTheHeaderBeforeTheClientHelloOrThePlaintext() throws Exception {
        TestCertificates.Issued wildcard = TestCertificates.leaf(CA, "*.ctf.berth.localhost");
        wildcard.writePem(dir.resolve("wild.pem"), dir.resolve("wild.key"));
        TestCertificates.Issued instanceCert = TestCertificates.leaf(CA, PASSTHROUGH);
        ProxyServer proxy = start(ProxyConfig.builder()
                        .entrypoint(Entrypoint.tls("tls", "127.0.0.1", 0))
                        .tls(TlsConfig.of(List.of(new TlsConfig.CertificateFiles(dir.resolve("wild.pem"), dir.resolve("wild.key"))))),
                new Route(RouteKey.tls(PASSTHROUGH), "i1", new Endpoint("127.0.0.1", echo.proxyHeaderEcho(instanceCert)), false,
                        ProxyProtocolVersion.V2),
                new Route(RouteKey.tls(TERMINATED), "i2", new Endpoint("127.0.0.1", echo.proxyHeaderEcho(null)), true,
                        ProxyProtocolVersion.V1));
        SSLContext client = TlsClients.trusting(CA.cert());
        int tlsPort = proxy.port("tls");
        // Passthrough: the instance read the header, then did the TLS handshake with the player itself.
        try (SSLSocket s = TlsClients.connect(client, tlsPort, PASSTHROUGH, 10_000)) {
            assertEquals(List.of("v2 127.0.0.1:" + s.getLocalPort() + " > 127.0.0.1:" + tlsPort + " hello"),
                    exchange(s, "hello", "hello"));
        }
        // Terminated by the proxy: the plain-TCP instance reads the header, then the plaintext.
        try (SSLSocket s = TlsClients.connect(client, tlsPort, TERMINATED, 10_000)) {
            assertEquals(List.of("v1 127.0.0.1:" + s.getLocalPort() + " > 127.0.0.1:" + tlsPort + " hello"),
                    exchange(s, "hello", "hello"));
        }
    }

    @Test
    void behindATrustedBalancerTheInstanceSeesTheBalancersClient() throws Exception {
        int port = Ports.free();
        start(ProxyConfig.builder().entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", port, port))
                        .proxyProtocolFrom(TrustedSources.parse(List.of("127.0.0.1/32"))),
                tcp(port, echo.tcpEcho(), ProxyProtocolVersion.V1));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // What the balancer (HAProxy's send-proxy) writes, for a player at 203.0.113.7:4242.
            s.getOutputStream().write(("PROXY TCP4 203.0.113.7 127.0.0.1 4242 " + port + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(List.of("PROXY TCP4 203.0.113.7 127.0.0.1 4242 " + port, "hello"), exchange(s, "hello", "hello"));
        }
    }

    @Test
    void aTrustedPeerThatNeverSendsItsHeaderIsClosedAtTheTunnelIdleTimeout() throws Exception {
        int port = Ports.free();
        start(ProxyConfig.builder().entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", port, port))
                        .proxyProtocolFrom(TrustedSources.parse(List.of("127.0.0.1/32")))
                        .tunnelIdleTimeout(java.time.Duration.ofMillis(300)),
                tcp(port, echo.tcpEcho(), ProxyProtocolVersion.V1));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            assertEquals(-1, s.getInputStream().read(), "closed, not held open");
        }
    }
}
