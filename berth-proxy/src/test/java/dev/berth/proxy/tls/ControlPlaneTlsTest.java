package dev.berth.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.model.certs.ServingCertificates;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.http.TlsConfig;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.ServingCerts;
import dev.berth.proxy.testutil.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with certificates from the control plane: they arrive in the route table, are served by
 * SNI next to file certificates, and are swapped while connections stay up.
 */
@Timeout(60)
class ControlPlaneTlsTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";
    static final String OTHER = "b5e6f7a8c9.berth.localhost";
    static final TestCertificates.Issued CA = TestCertificates.ca("Control Plane TLS CA");

    @TempDir
    Path dir;
    final TestBackend backend;
    final SSLContext client;
    final RouteTableHolder routes = new RouteTableHolder();
    ProxyServer proxy;

    ControlPlaneTlsTest() throws Exception {
        backend = new TestBackend();
        client = TlsClients.trusting(CA.cert());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    void start(List<TlsConfig.CertificateFiles> files) throws Exception {
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.https("websecure", "127.0.0.1", 0))
                .tls(new TlsConfig(files, Duration.ZERO, true))
                .eventLoopThreads(2)
                .build(), routes);
        proxy.start();
    }

    /** What the controllers would send: routes to the backend for both hosts, and these certificates. */
    void publish(long version, ServingCertificate... certificates) {
        routes.set(RouteTable.of(version, List.of(
                new Route(RouteKey.http(HOST), "i1", backend.endpoint()),
                new Route(RouteKey.http(OTHER), "i2", backend.endpoint())), List.of(certificates)));
    }

    SSLSocket tls(String sni) throws IOException {
        return TlsClients.connect(client, proxy.port("websecure"), sni, 10_000, "http/1.1");
    }

    X509Certificate served(String sni) throws Exception {
        try (SSLSocket s = tls(sni)) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void httpsWithoutCertificateFilesServesTheControlPlanesAndSwapsWithoutDroppingConnections() throws Exception {
        start(List.of());
        assertThrows(IOException.class, () -> served(HOST), "no certificate anywhere yet: the handshake is refused");

        TestCertificates.Issued wildcard = TestCertificates.leaf(CA, "*.berth.localhost");
        TestCertificates.Issued exact = TestCertificates.leaf(CA, HOST);
        publish(2, ServingCerts.of("wildcard", wildcard), ServingCerts.of("exact", exact));
        assertEquals(exact.cert(), served(HOST), "an exact name beats the wildcard");
        assertEquals(wildcard.cert(), served(OTHER));

        try (SSLSocket kept = tls(HOST); RawHttp c = new RawHttp(kept)) {
            assertEquals(exact.cert(), kept.getSession().getPeerCertificates()[0]);
            assertEquals("hello from backend", c.send(RawHttp.get(HOST, "/hello")).read().text());

            TestCertificates.Issued renewed = TestCertificates.leaf(CA, HOST);
            publish(3, ServingCerts.of("wildcard", wildcard), ServingCerts.of("exact", renewed));
            assertEquals(renewed.cert(), served(HOST), "a new connection gets the replacement");
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status(), "the established one keeps working");

            publish(4, ServingCerts.of("wildcard", wildcard));
            assertEquals(wildcard.cert(), served(HOST), "deleted: the wildcard covers the name again");
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
        publish(5);
        assertThrows(IOException.class, () -> served(HOST), "every certificate deleted: refused again");
    }

    @Test
    void fileCertificatesWinTheirNamesAndAreTheDefault() throws Exception {
        TestCertificates.Issued fileWildcard = TestCertificates.leaf(CA, "*.berth.localhost");
        fileWildcard.writePem(dir.resolve("wild.pem"), dir.resolve("wild.key"));
        TestCertificates.Issued planeWildcard = TestCertificates.leaf(CA, "*.berth.localhost");
        TestCertificates.Issued planeExact = TestCertificates.leaf(CA, HOST);
        publish(1, ServingCerts.of("wildcard", planeWildcard), ServingCerts.of("exact", planeExact));
        start(List.of(new TlsConfig.CertificateFiles(dir.resolve("wild.pem"), dir.resolve("wild.key"))));

        assertEquals(fileWildcard.cert(), served(OTHER), "both claim *.berth.localhost: the file wins");
        assertEquals(planeExact.cert(), served(HOST), "the control plane's exact name is more specific than the file's wildcard");
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> served("elsewhere.example.org"),
                "an unknown name gets the default (the file's), which the client refuses for that name");
        try (SSLSocket noSni = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), proxy.port("websecure"))) {
            noSni.startHandshake();
            assertEquals(fileWildcard.cert(), noSni.getSession().getPeerCertificates()[0], "no SNI: the default");
        }
        publish(2, ServingCerts.of("wildcard", planeWildcard));
        assertEquals(fileWildcard.cert(), served(HOST), "the exact one deleted: back to the file's wildcard");
    }

    @Test
    void handshakesDuringSwapsAllSucceedWithTheOldOrTheNewCertificate() throws Exception {
        start(List.of());
        List<TestCertificates.Issued> generations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            generations.add(TestCertificates.leaf(CA, "*.berth.localhost"));
        }
        List<ServingCertificate> stored = generations.stream().map(g -> ServingCerts.of("wildcard", g)).toList();
        publish(1, stored.get(0));
        Set<X509Certificate> valid = Set.copyOf(generations.stream().map(TestCertificates.Issued::cert).toList());
        Set<X509Certificate> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean swapping = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                clients.add(pool.submit(() -> {
                    int handshakes = 0;
                    while (swapping.get() || handshakes < 10) {
                        X509Certificate c = served(HOST);
                        assertTrue(valid.contains(c), "always one of the stored generations");
                        seen.add(c);
                        handshakes++;
                    }
                    return handshakes;
                }));
            }
            for (int v = 2; v < 60; v++) {
                publish(v, stored.get(v % stored.size()));
                Thread.sleep(5);
            }
            swapping.set(false);
            for (Future<Integer> f : clients) {
                assertTrue(f.get() >= 10); // rethrows any failed handshake
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(seen.size() >= 2, "the swaps were seen by handshakes: " + seen.size());
    }

    @Test
    void rsaCertificatesWithPkcs1KeysAreServedToo() throws Exception {
        start(List.of());
        java.time.Instant now = java.time.Instant.now();
        TestCertificates.Issued rsa = TestCertificates.leaf(CA, TestCertificates.KeyType.RSA, now.minusSeconds(60),
                now.plusSeconds(86_400), HOST);
        ServingCertificate stored = ServingCertificates.read("rsa", rsa.chainPem(), rsa.traditionalKeyPem()).certificate();
        publish(1, stored);
        assertEquals(rsa.cert(), served(HOST));
    }
}
