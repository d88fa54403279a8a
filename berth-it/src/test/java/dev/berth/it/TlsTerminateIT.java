package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.Berth;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Standalone;
import dev.berth.it.support.Templates;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TlsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain-TCP challenge behind TLS, end to end: a template whose tcp port says {@code tls: terminate},
 * a standalone started with {@code --tls} and no HTTPS entrypoint, a certificate stored with
 * {@code berth tls put}, and a real TLS client reaching the container (busybox nc + cat) by SNI
 * at the instance's hostname, as {@code openssl s_client -servername} would. The raw TCP port
 * keeps working next to it.
 */
class TlsTerminateIT {
    @TempDir
    Path tmp;
    Standalone berth;

    @AfterEach
    void cleanUp() {
        if (berth != null) {
            berth.close();
            Docker.removeWorkerContainers(berth.workerId);
        }
    }



    /** One line through TLS by SNI, or the error, so Eventually can retry until the route and certificate arrive. */
    private static String echoOverTls(SSLContext client, int port, String sni, String line, X509Certificate expected) {
        try (SSLSocket s = TlsClients.connect(client, port, sni, 5000)) {
            X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
            if (!served.equals(expected)) {
                return "served " + served.getSubjectX500Principal();
            }
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (IOException e) {
            return "error: " + e;
        }
    }

    @Test
    void plainTcpChallengeIsReachedWithTlsBySni() throws Exception {
        int tlsPort = Ports.free();
        berth = new Standalone("tls-terminate-it", tmp.resolve("berth"))
                .withArgs("--tls", "127.0.0.1:" + tlsPort)
                .start();
        berth.applyTemplate(Templates.tcpEchoTerminatingTls("echo-tls"));
        JsonNode instance = berth.launch("echo-tls", "team-tls", null);
        String id = instance.get("id").asText();
        String hostname = instance.get("hostname").asText();
        int rawPort = instance.at("/tcpPorts/echo").asInt();
        assertTrue(rawPort > 0, "the raw TCP port stays: " + instance);
        berth.awaitState(id, "READY", Duration.ofSeconds(60));

        TestCertificates.Issued ca = TestCertificates.ca("Berth TLS Terminate IT CA");
        TestCertificates.Issued wildcard = TestCertificates.leaf(ca, "*.berth.localhost");
        Path cert = tmp.resolve("wild.pem");
        Path key = tmp.resolve("wild.key");
        wildcard.writePem(cert, key);
        berth.cli("tls", "put", "wildcard", "--cert", cert.toString(), "--key", key.toString());

        SSLContext client = TlsClients.trusting(ca.cert());
        String echoed = Eventually.await("echo over TLS by SNI " + hostname, Duration.ofSeconds(20),
                () -> echoOverTls(client, tlsPort, hostname, "flag please " + id, wildcard.cert()), ("flag please " + id)::equals);
        assertEquals("flag please " + id, echoed);

        // The same instance's raw TCP port still relays plain bytes.
        try (Socket s = new Socket("127.0.0.1", rawPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("plain\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals("plain", new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        }
        // A name without a route is closed, as before.
        assertTrue(echoOverTls(client, tlsPort, "0000000000.berth.localhost", "x", wildcard.cert()).startsWith("error"));
    }
}
