package dev.berth.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.http.TlsConfig;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.EchoServers;
import dev.berth.proxy.testutil.ServingCerts;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS entrypoint terminating TLS for tcp ports with {@code tls: terminate}: a real TLS client,
 * by SNI, through the proxy to a backend that speaks plain TCP; passthrough routes next to them
 * stay untouched.
 */
@Timeout(60)
class TlsTerminateTest {
    static final String CHALLENGE = "a3f4b92c8d.ctf.berth.localhost";
    static final String BANNER = "b5e6f7a8c9.ctf.berth.localhost";
    static final String DOWN = "c1d2e3f4a5.ctf.berth.localhost";
    static final String SECURE = "secure.ctf.berth.localhost";
    static final TestCertificates.Issued CA = TestCertificates.ca("TLS Terminate Test CA");

    @TempDir
    Path dir;
    final TestCertificates.Issued wildcard = TestCertificates.leaf(CA, "*.ctf.berth.localhost");
    final TestCertificates.Issued backendCert = TestCertificates.leaf(CA, SECURE);
    final EchoServers echo = new EchoServers();
    final List<AutoCloseable> closeables = new ArrayList<>();
    final RouteTableHolder routes = new RouteTableHolder();
    ProxyServer proxy;
    SSLContext client;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        echo.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    void start(TlsConfig tls) throws Exception {
        client = TlsClients.trusting(CA.cert());
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.tls("tls", "127.0.0.1", 0))
                .tls(tls)
                .eventLoopThreads(2)
                .build(), routes);
        proxy.start();
    }

    TlsConfig wildcardFile() throws IOException {
        wildcard.writePem(dir.resolve("wild.pem"), dir.resolve("wild.key"));
        return new TlsConfig(List.of(new TlsConfig.CertificateFiles(dir.resolve("wild.pem"), dir.resolve("wild.key"))),
                Duration.ZERO, true);
    }

    SSLSocket connect(String sni, String... alpn) throws Exception {
        return TlsClients.connect(client, proxy.port("tls"), sni, 10_000, alpn);
    }

    /** Sends a line and reads the answer up to its newline (it may come in more than one TLS record). */
    static String exchange(SSLSocket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder answer = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) != -1) {
            answer.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return answer.toString();
    }

    static X509Certificate served(SSLSocket s) throws Exception {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    /** A plain TCP service that greets first (as many CTF services do), then closes. */
    int bannerServer(String banner) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.getOutputStream().write(banner.getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "banner-server");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @Test
    void terminatesWithTheCertificateForTheNameAndRelaysPlaintext() throws Exception {
        int plainEcho = echo.tcpEcho();
        routes.set(RouteTable.of(1, List.of(new Route(RouteKey.tls(CHALLENGE), "i1", new Endpoint("127.0.0.1", plainEcho), true))));
        start(wildcardFile());

        try (SSLSocket s = connect(CHALLENGE)) {
            assertEquals(wildcard.cert(), served(s));
            // A plain echo: had the proxy passed TLS records through, it would echo them back and the handshake would fail.
            assertEquals("flag please\n", exchange(s, "flag please"));
            assertEquals("again\n", exchange(s, "again"));
        }
    }

    @Test
    void aClientAskingForHttpProtocolsByAlpnIsNotToldItGotOne() throws Exception {
        int plainEcho = echo.tcpEcho();
        routes.set(RouteTable.of(1, List.of(new Route(RouteKey.tls(CHALLENGE), "i1", new Endpoint("127.0.0.1", plainEcho), true))));
        start(wildcardFile());

        try (SSLSocket s = connect(CHALLENGE, "h2", "http/1.1")) {
            // The same certificate serves HTTPS with h2 and http/1.1 by ALPN; a plain-TCP instance speaks neither.
            assertEquals("", s.getApplicationProtocol());
            assertEquals("raw bytes\n", exchange(s, "raw bytes"));
        }
    }

    @Test
    void passthroughRoutesNextToItStillReachTheInstanceUndecrypted() throws Exception {
        int plainEcho = echo.tcpEcho();
        routes.set(RouteTable.of(1, List.of(
                new Route(RouteKey.tls(CHALLENGE), "i1", new Endpoint("127.0.0.1", plainEcho), true),
                new Route(RouteKey.tls(SECURE), "i2", new Endpoint("127.0.0.1", echo.tlsEcho(backendCert)),
                        false))));
        start(wildcardFile());

        try (SSLSocket s = connect(SECURE)) {
            assertEquals(backendCert.cert(), served(s), "the instance's own certificate, not the proxy's");
            assertEquals("tls:hello\n", exchange(s, "hello"));
        }
        // Names without a route are closed, certificates or not.
        assertThrows(IOException.class, () -> connect("unknown.ctf.berth.localhost").close());
    }

    @Test
    void aBannerSentBeforeTheHandshakeEndsArrivesAfterIt() throws Exception {
        routes.set(RouteTable.of(1, List.of(
                new Route(RouteKey.tls(BANNER), "i1", new Endpoint("127.0.0.1", bannerServer("flag{early}\n")), true))));
        start(wildcardFile());

        try (SSLSocket s = connect(BANNER);
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            assertEquals("flag{early}", in.readLine());
            assertEquals(null, in.readLine(), "the backend's close ends the TLS stream");
        }
    }

    @Test
    void servesTheControlPlanesCertificatesWithoutAnyFile() throws Exception {
        int plainEcho = echo.tcpEcho();
        routes.set(RouteTable.of(1, List.of(new Route(RouteKey.tls(CHALLENGE), "i1", new Endpoint("127.0.0.1", plainEcho), true)),
                List.of(ServingCerts.of("ctf", wildcard))));
        start(TlsConfig.of(List.of())); // what `berth proxy --tls` without --https configures

        try (SSLSocket s = connect(CHALLENGE)) {
            assertEquals(wildcard.cert(), served(s));
            assertEquals("from the control plane\n", exchange(s, "from the control plane"));
        }
    }

    @Test
    void withoutCertificatesOrBackendTheConnectionIsClosed() throws Exception {
        int plainEcho = echo.tcpEcho();
        routes.set(RouteTable.of(1, List.of(
                new Route(RouteKey.tls(CHALLENGE), "i1", new Endpoint("127.0.0.1", plainEcho), true),
                new Route(RouteKey.tls(DOWN), "i2", new Endpoint("127.0.0.1", Ports.closed()), true))));
        start(TlsConfig.of(List.of()));
        assertThrows(IOException.class, () -> connect(CHALLENGE).close(), "no certificate at all: closed");

        proxy.close();
        start(null);
        assertThrows(IOException.class, () -> connect(CHALLENGE).close(), "no TLS config at all: closed");

        proxy.close();
        start(wildcardFile());
        assertThrows(IOException.class, () -> connect(DOWN).close(), "backend down: closed");
        try (SSLSocket s = connect(CHALLENGE)) {
            assertEquals("still up\n", exchange(s, "still up"));
        }
    }

}
