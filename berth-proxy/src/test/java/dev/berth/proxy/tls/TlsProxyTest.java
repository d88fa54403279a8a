package dev.berth.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TlsProxyTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";
    static final String SPECIAL = "special.example.com";
    static final String SECURE = "secure.berth.localhost";

    @TempDir
    Path dir;
    TestCertificates.Issued ca;
    TestCertificates.Issued wildcard;
    TestCertificates.Issued special;
    TestCertificates.Issued backendCert;
    TestBackend backend;
    EchoServers echo;
    ProxyServer proxy;
    SSLContext client;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.ca("Berth Test CA");
        wildcard = TestCertificates.leaf(ca, "*.berth.localhost", "127.0.0.1");
        special = TestCertificates.leaf(ca, SPECIAL);
        backendCert = TestCertificates.leaf(ca, SECURE);
        wildcard.writePem(dir.resolve("wild.pem"), dir.resolve("wild.key"));
        special.writePem(dir.resolve("special.pem"), dir.resolve("special.key"));
        client = TlsClients.trusting(ca.cert());

        backend = new TestBackend();
        echo = new EchoServers();
        int tlsEcho = echo.tlsEcho(backendCert);
        RouteTableHolder routes = new RouteTableHolder(RouteTable.of(1, List.of(
                new Route(RouteKey.http(HOST), "i1", backend.endpoint()),
                new Route(RouteKey.http(SPECIAL), "i2", backend.endpoint()),
                new Route(RouteKey.http("127.0.0.1"), "i3", backend.endpoint()),
                new Route(RouteKey.tls(SECURE), "i4", new Endpoint("127.0.0.1", tlsEcho)))));
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("web", "127.0.0.1", 0).withRedirectToHttps(true))
                .entrypoint(Entrypoint.https("websecure", "127.0.0.1", 0))
                .entrypoint(Entrypoint.tls("tls", "127.0.0.1", 0))
                .tls(new TlsConfig(List.of(
                        new TlsConfig.CertificateFiles(dir.resolve("wild.pem"), dir.resolve("wild.key")),
                        new TlsConfig.CertificateFiles(dir.resolve("special.pem"), dir.resolve("special.key"))),
                        Duration.ZERO, true))
                .eventLoopThreads(2)
                .maxRequestBodyBytes(1 << 20)
                .build(), routes);
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
        backend.close();
    }

    SSLSocket tls(int port, String sni) throws Exception {
        return TlsClients.connect(client, port, sni, 10_000, "http/1.1");
    }

    static X509Certificate peer(SSLSocket s) throws Exception {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    @Test
    void sniSelectsTheCertificateAndRequestsAreProxied() throws Exception {
        int port = proxy.port("websecure");
        try (SSLSocket s = tls(port, HOST); RawHttp c = new RawHttp(s)) {
            assertEquals(wildcard.cert(), peer(s));
            RawHttp.Response r = c.send(RawHttp.get(HOST, "/headers")).read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("x-forwarded-proto: https"), r.text());
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status(), "keep-alive over TLS");
        }
        try (SSLSocket s = tls(port, SPECIAL); RawHttp c = new RawHttp(s)) {
            assertEquals(special.cert(), peer(s));
            assertEquals("hello from backend", c.send(RawHttp.get(SPECIAL, "/hello")).read().text());
        }
        // An unknown name gets the default certificate, which then fails the client's name check.
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> tls(port, "unknown.example.org").close());
    }

    @Test
    void http2ByAlpnIsTranslatedToHttp1Backends() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().sslContext(client).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://127.0.0.1:" + proxy.port("websecure");
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(base + "/headers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("x-forwarded-proto: https"), r.body());
        assertTrue(r.body().contains("host: 127.0.0.1:"), r.body());
        assertTrue(!r.body().contains("x-http2"), r.body());

        // Concurrent streams on one connection, with request bodies streamed to an HTTP/1.1 echo.
        List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] body = new byte[100_000 + i * 5000];
            new Random(i).nextBytes(body);
            bodies.add(body);
            calls.add(h2.sendAsync(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<byte[]> resp = calls.get(i).get();
            assertEquals(200, resp.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, resp.version());
            org.junit.jupiter.api.Assertions.assertArrayEquals(bodies.get(i), resp.body());
        }
        HttpResponse<String> big = h2.send(HttpRequest.newBuilder(URI.create(base + "/big?n=2000000")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(2_000_000, big.body().length());
        HttpResponse<String> missing = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + proxy.port("websecure")
                + "/hello")).header("x-test", "1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, missing.statusCode());
    }

    @Test
    void plainHttpRedirectsToHttps() throws Exception {
        try (RawHttp c = new RawHttp(proxy.port("web"))) {
            RawHttp.Response r = c.send(RawHttp.get(HOST + ":8080", "/path?q=1")).read();
            assertEquals(308, r.status());
            assertEquals("https://" + HOST + ":" + proxy.port("websecure") + "/path?q=1", r.header("location"));
            // ACME HTTP-01 stays on plain HTTP.
            assertEquals(404, c.send(RawHttp.get(HOST, "/.well-known/acme-challenge/tok")).read().status());
        }
    }

    @Test
    void fileKeysMayBePkcs8Pkcs1OrSec1AndMustBeTheCertificates() throws Exception {
        int port = proxy.port("websecure");
        Instant now = Instant.now();
        TestCertificates.Issued rsa = TestCertificates.leaf(ca, TestCertificates.KeyType.RSA, now.minusSeconds(60), now.plusSeconds(3600), SPECIAL);
        TestCertificates.Issued ec = TestCertificates.leaf(ca, SPECIAL);
        int touch = 0;
        // openssl genrsa -traditional and openssl ecparam -genkey write these; certbot and acme.sh too.
        for (TestCertificates.Issued issued : List.of(rsa, ec)) {
            Files.writeString(dir.resolve("special.pem"), issued.chainPem());
            Files.writeString(dir.resolve("special.key"), issued.traditionalKeyPem());
            Files.setLastModifiedTime(dir.resolve("special.key"), FileTime.from(now.plusSeconds(++touch * 5L)));
            assertTrue(proxy.certificates().reloadIfChanged(), issued.traditionalKeyPem().lines().findFirst().orElseThrow());
            try (SSLSocket s = tls(port, SPECIAL)) {
                assertEquals(issued.cert(), peer(s));
            }
        }
        // A key that is not the certificate's is refused when read, and the pair before it keeps serving.
        Files.writeString(dir.resolve("special.key"), rsa.traditionalKeyPem());
        Files.setLastModifiedTime(dir.resolve("special.key"), FileTime.from(now.plusSeconds(++touch * 5L)));
        assertFalse(proxy.certificates().reloadIfChanged());
        try (SSLSocket s = tls(port, SPECIAL)) {
            assertEquals(ec.cert(), peer(s));
        }
    }

    @Test
    void a413ReachesAnUploadingClientOverTlsAndTheEndIsCloseNotify() throws Exception {
        // Over TLS the lingering close cannot half-close (after close_notify nothing more is read):
        // the proxy drops what the client still sends, then closes with close_notify once it is quiet.
        try (SSLSocket s = tls(proxy.port("websecure"), HOST); RawHttp c = new RawHttp(s)) {
            byte[] body = new byte[4 << 20];
            Thread upload = Thread.ofVirtual().start(() -> {
                try {
                    c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
                } catch (java.io.IOException refused) {
                    // the proxy may close before the last bytes
                }
            });
            RawHttp.Response r = c.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("connection"));
            upload.join();
            // requireCloseNotify (see the pom) makes an end without close_notify an SSLException here.
            assertEquals(0, c.readSome(1).length);
        }
    }

    @Test
    void certificatesReloadWithoutDroppingConnections() throws Exception {
        int port = proxy.port("websecure");
        try (SSLSocket before = tls(port, HOST); RawHttp c = new RawHttp(before)) {
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
            TestCertificates.Issued renewed = TestCertificates.leaf(ca, "*.berth.localhost", "127.0.0.1");
            // A half-written pair is refused and the old one stays...
            Files.writeString(dir.resolve("wild.pem"), "-----BEGIN CERTIFICATE-----\nMIIB");
            Files.setLastModifiedTime(dir.resolve("wild.pem"), FileTime.from(Instant.now().plusSeconds(5)));
            assertTrue(!proxy.certificates().reloadIfChanged());
            try (SSLSocket s = tls(port, HOST)) {
                assertEquals(wildcard.cert(), peer(s));
            }
            // ...the complete new pair is picked up.
            renewed.writePem(dir.resolve("wild.pem"), dir.resolve("wild.key"));
            Files.setLastModifiedTime(dir.resolve("wild.pem"), FileTime.from(Instant.now().plusSeconds(10)));
            assertTrue(proxy.certificates().reloadIfChanged());
            try (SSLSocket s = tls(port, HOST)) {
                assertEquals(renewed.cert(), peer(s));
            }
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status(), "old connection still served");
        }
    }

    @Test
    void tlsPassthroughBySniReachesTheInstanceUndecrypted() throws Exception {
        for (String ep : List.of("tls", "websecure")) {
            try (SSLSocket s = tls(proxy.port(ep), SECURE)) {
                // The certificate is the instance's own: the proxy did not terminate.
                assertEquals(backendCert.cert(), peer(s));
                s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertEquals("tls:hi", new String(s.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            }
        }
        // The passthrough-only entrypoint drops names it has no route for.
        assertThrows(java.io.IOException.class, () -> tls(proxy.port("tls"), HOST).close());
    }
}
