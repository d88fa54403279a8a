package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.HttpsClient;
import dev.berth.it.support.Standalone;
import dev.berth.it.support.Templates;
import dev.berth.model.certs.ServingCertificates;
import dev.berth.model.json.BerthJson;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates served "from the control plane", end to end on real processes: `berth tls put`
 * stores them through the REST API and Raft, the route watch carries them to the proxies, and an
 * HTTPS entrypoint started without any certificate file serves them by SNI. Replacing one is
 * seen by new connections while an open keep-alive connection goes on; deleting one falls back
 * to the wildcard; and a proxy restarted while the control plane is down serves the certificate
 * from its disk cache.
 */
class ServingCertificatesIT {
    @TempDir
    Path tmp;
    Standalone berth;
    BerthProcess proxy;

    @AfterEach
    void cleanUp() {
        if (proxy != null) {
            proxy.stop();
        }
        if (berth != null) {
            berth.close();
            Docker.removeWorkerContainers(berth.workerId);
        }
    }


    private void put(String name, TestCertificates.Issued issued) throws Exception {
        Path cert = tmp.resolve(name + "-" + issued.cert().getSerialNumber() + ".pem");
        Path key = tmp.resolve(name + "-" + issued.cert().getSerialNumber() + ".key");
        issued.writePem(cert, key);
        String out = berth.cli("tls", "put", name, "--cert", cert.toString(), "--key", key.toString());
        assertTrue(out.contains("(sha256 " + issued.fingerprint() + ")"), out);
    }

    private static X509Certificate servedEventually(HttpsClient client, int port, String sni, X509Certificate expected, String what) {
        return Eventually.await(what, Duration.ofSeconds(15), () -> client.served(port, sni), expected::equals);
    }

    @Test
    void controlPlaneCertificatesAreServedReplacedDeletedAndCached() throws Exception {
        int httpsPort = Ports.free();
        int grpcPort = Ports.free();
        berth = new Standalone("serving-certs-it", tmp.resolve("berth"))
                .withArgs("--https", "127.0.0.1:" + httpsPort, "--grpc", "127.0.0.1:" + grpcPort)
                .start();
        berth.applyTemplate(Templates.whoami("whoami", "30m", "2h"));
        JsonNode instance = berth.launch("whoami", "team-tls", null);
        String id = instance.get("id").asText();
        String hostname = instance.get("hostname").asText();
        berth.awaitState(id, "READY", Duration.ofSeconds(60));

        TestCertificates.Issued ca = TestCertificates.ca("Berth IT CA");
        HttpsClient client = new HttpsClient(ca.cert());
        // HTTPS started with no certificate file: until the control plane has one, handshakes are refused.
        assertThrows(UncheckedIOException.class, () -> client.served(httpsPort, hostname));

        TestCertificates.Issued wildcard = TestCertificates.leaf(ca, "*.berth.localhost");
        TestCertificates.Issued exact = TestCertificates.leaf(ca, hostname);
        put("wildcard", wildcard);
        put("exact", exact);
        servedEventually(client, httpsPort, hostname, exact.cert(), "the exact certificate for " + hostname);
        assertEquals(wildcard.cert(), client.served(httpsPort, "0000000000.berth.localhost"), "other names: the wildcard");

        try (HttpsClient.Connection kept = client.connect(httpsPort, hostname)) {
            assertEquals(exact.fingerprint(), ServingCertificates.fingerprint(kept.served()), "served: the stored certificate");
            assertEquals("CN=" + hostname, kept.served().getSubjectX500Principal().getName());
            HttpsClient.Response first = kept.get(hostname, "/");
            assertEquals(200, first.status());
            assertTrue(first.body().contains("instance: " + id), "through TLS to the instance: " + first.body());

            // Renewed: new connections get the new certificate, the open one carries on.
            TestCertificates.Issued renewed = TestCertificates.leaf(ca, hostname);
            put("exact", renewed);
            servedEventually(client, httpsPort, hostname, renewed.cert(), "the replacement on a new connection");
            HttpsClient.Response again = kept.get(hostname, "/");
            assertEquals(200, again.status());
            assertTrue(again.body().contains("instance: " + id), again.body());
            assertEquals(exact.cert(), kept.served(), "the open connection keeps the certificate it started with");

            // Deleted: the wildcard covers the name again.
            assertEquals("certificate exact deleted\n", berth.cli("tls", "rm", "exact"));
            servedEventually(client, httpsPort, hostname, wildcard.cert(), "the wildcard after the exact one was deleted");
            assertEquals(200, kept.get(hostname, "/").status(), "still the same connection");
        }
        JsonNode stored = BerthJson.json().readTree(berth.cli("tls", "ls", "-o", "json"));
        assertEquals(1, stored.size());
        assertEquals("wildcard", stored.get(0).get("name").asText());
        assertEquals(wildcard.fingerprint(), stored.get(0).get("fingerprint").asText());

        // A proxy of its own, watching the standalone's controller over gRPC, learns the certificate...
        int proxyHttps = Ports.free();
        Path proxyData = tmp.resolve("proxy");
        List<String> proxyArgs = List.of("proxy", "--id", "it-tls-proxy", "--controllers", "127.0.0.1:" + grpcPort,
                "--http", "127.0.0.1:" + Ports.free(), "--https", "127.0.0.1:" + proxyHttps, "--data-dir", proxyData.toString());
        proxy = new BerthProcess("serving-certs-it-proxy", proxyArgs).start();
        servedEventually(client, proxyHttps, hostname, wildcard.cert(), "the wildcard on the separate proxy");
        Path cache = proxyData.resolve("proxy").resolve("routes.json");
        Eventually.until("route cache written", Duration.ofSeconds(10),
                () -> Files.exists(cache) && readable(cache).contains(wildcard.fingerprint()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(cache),
                "the cache holds private keys: owner only");

        // ...and, restarted while the whole control plane is down, serves it from its disk cache.
        berth.stop();
        assertFalse(berth.process().isAlive(), "no controller left");
        proxy.stop();
        assertFalse(proxy.isAlive());
        proxy = new BerthProcess("serving-certs-it-proxy-restarted", proxyArgs).start();
        servedEventually(client, proxyHttps, hostname, wildcard.cert(), "the cached certificate with no controller up");
        try (HttpsClient.Connection c = client.connect(proxyHttps, hostname)) {
            HttpsClient.Response r = c.get(hostname, "/");
            assertEquals(200, r.status());
            assertTrue(r.body().contains("instance: " + id), "the instance's container outlives its controller: " + r.body());
        }
    }

    private static String readable(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
