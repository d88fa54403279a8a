package dev.berth.cli.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.Berth;
import dev.berth.protocol.tls.NodeTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `berth certs init` and `berth certs issue`: what lands on disk, and that it is what mutual TLS needs. */
class CertsCommandTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run berth(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Berth.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static X509Certificate cert(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Path initCa() {
        Path dir = tmp.resolve("certs");
        Run r = berth("certs", "init", "--dir", dir.toString());
        assertEquals(0, r.code(), r.toString());
        return dir;
    }

    @Test
    void initMakesASelfSignedCaWithAPrivateKey() throws Exception {
        Path dir = initCa();
        X509Certificate ca = cert(dir.resolve("ca.crt"));
        ca.verify(ca.getPublicKey());
        assertEquals("CN=Berth CA,O=Berth", ca.getSubjectX500Principal().getName());
        assertEquals(0, ca.getBasicConstraints(), "a CA that signs node certificates only");
        assertTrue(ca.getKeyUsage()[5], "keyCertSign");
        assertTrue(ca.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(3000))));
        assertTrue(Files.readString(dir.resolve("ca.key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void issuedCertificateChainsToTheCaWithSansAndBothEkus() throws Exception {
        Path dir = initCa();
        Run r = berth("certs", "issue", "--dir", dir.toString(), "--name", "controller-1", "--san", "127.0.0.11",
                "--san", "localhost", "--san", "::1", "--san", "ctl-1.Example.com", "--role", "controller");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("--tls-cert " + dir.resolve("controller-1.crt")), r.out());

        X509Certificate ca = cert(dir.resolve("ca.crt"));
        X509Certificate node = cert(dir.resolve("controller-1.crt"));
        // chains to the CA, as PKIX (what the TLS stacks use) sees it
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(node)), params);
        assertEquals(ca.getSubjectX500Principal(), node.getIssuerX500Principal());

        assertEquals("CN=controller-1,OU=controller,O=Berth", node.getSubjectX500Principal().getName());
        assertEquals(-1, node.getBasicConstraints(), "not a CA");
        assertTrue(node.getExtendedKeyUsage().containsAll(List.of(SERVER_AUTH, CLIENT_AUTH)), node.getExtendedKeyUsage().toString());
        Set<List<?>> sans = new HashSet<>(node.getSubjectAlternativeNames());
        assertEquals(Set.of(List.of(SAN_IP, "127.0.0.11"), List.of(SAN_DNS, "localhost"), List.of(SAN_IP, "0:0:0:0:0:0:0:1"),
                List.of(SAN_DNS, "ctl-1.example.com")), sans);
        assertTrue(node.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(360))));
        assertTrue(node.getNotBefore().toInstant().isBefore(Instant.now()), "backdated for clock skew");

        Path key = dir.resolve("controller-1.key");
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(CertificateAuthority.matches(CertFiles.readPrivateKey(key), node.getPublicKey()));
    }

    @Test
    void issuedFilesAreWhatNodeTlsTakes() throws Exception {
        Path dir = initCa();
        assertEquals(0, berth("certs", "issue", "--dir", dir.toString(), "--name", "worker-1", "--role", "worker").code());
        NodeTls tls = new NodeTls(dir.resolve("worker-1.crt"), dir.resolve("worker-1.key"), dir.resolve("ca.crt")).check();
        assertNotNull(tls.serverCredentials());
        assertNotNull(tls.channelCredentials());
        X509Certificate node = cert(dir.resolve("worker-1.crt"));
        assertNull(node.getSubjectAlternativeNames(), "no SANs unless asked for");
    }

    @Test
    void existingFilesAreKeptUnlessForced() throws Exception {
        Path dir = initCa();
        X509Certificate ca = cert(dir.resolve("ca.crt"));
        Run again = berth("certs", "init", "--dir", dir.toString());
        assertEquals(1, again.code());
        assertEquals("error: " + dir.resolve("ca.crt") + " already exists; pass --force to replace it\n", again.err());
        assertEquals(ca, cert(dir.resolve("ca.crt")));

        assertEquals(0, berth("certs", "issue", "--dir", dir.toString(), "--name", "proxy-1").code());
        X509Certificate first = cert(dir.resolve("proxy-1.crt"));
        assertEquals(1, berth("certs", "issue", "--dir", dir.toString(), "--name", "proxy-1").code());
        assertEquals(first, cert(dir.resolve("proxy-1.crt")));
        assertEquals(0, berth("certs", "issue", "--dir", dir.toString(), "--name", "proxy-1", "--force").code());
        assertNotEquals(first.getSerialNumber(), cert(dir.resolve("proxy-1.crt")).getSerialNumber());
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path dir = initCa();
        Run badSan = berth("certs", "issue", "--dir", dir.toString(), "--name", "w1", "--san", "not a name");
        assertEquals(2, badSan.code(), badSan.toString());
        assertEquals("error: --san not a name: neither an IP address nor a DNS name\n", badSan.err());
        Run badIp = berth("certs", "issue", "--dir", dir.toString(), "--name", "w1", "--san", "IP:example.com");
        assertEquals(2, badIp.code(), badIp.toString());
        Run badName = berth("certs", "issue", "--dir", dir.toString(), "--name", "../w1");
        assertEquals(2, badName.code(), badName.toString());
        assertTrue(badName.err().startsWith("error: --name ../w1:"), badName.err());
        Run badRole = berth("certs", "issue", "--dir", dir.toString(), "--name", "w1", "--role", "boss");
        assertEquals(2, badRole.code(), badRole.toString());
        assertFalse(Files.exists(dir.resolve("w1.crt")));
        assertFalse(Files.exists(dir.resolve("w1.key")));

        Run noCa = berth("certs", "issue", "--dir", tmp.resolve("empty").toString(), "--name", "w1");
        assertEquals(1, noCa.code());
        assertTrue(noCa.err().contains("berth certs init --dir " + tmp.resolve("empty")), noCa.err());
    }

    @Test
    void controllerWithoutSansGetsAWarning() {
        Path dir = initCa();
        Run r = berth("certs", "issue", "--dir", dir.toString(), "--name", "controller-2", "--role", "controller");
        assertEquals(0, r.code());
        assertTrue(r.err().startsWith("warning: a controller certificate without --san"), r.err());
    }

    @Test
    void nodeCertificateNeverOutlivesItsCa() throws Exception {
        Path dir = tmp.resolve("short");
        assertEquals(0, berth("certs", "init", "--dir", dir.toString(), "--days", "10").code());
        Run r = berth("certs", "issue", "--dir", dir.toString(), "--name", "n1", "--days", "365");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("shortened"), r.err());
        assertEquals(cert(dir.resolve("ca.crt")).getNotAfter(), cert(dir.resolve("n1.crt")).getNotAfter());
    }

    @Test
    void sanParsing() {
        var names = CertificateAuthority.altNames(List.of("10.1.2.3", "[fe80::1]", "DNS:10.example", "*.berth.example.com", "IP:192.168.0.1"));
        assertEquals(5, names.getNames().length);
        assertEquals(SAN_IP, names.getNames()[0].getTagNo());
        assertEquals(SAN_IP, names.getNames()[1].getTagNo());
        assertEquals(SAN_DNS, names.getNames()[2].getTagNo());
        assertEquals(SAN_DNS, names.getNames()[3].getTagNo());
        assertEquals(SAN_IP, names.getNames()[4].getTagNo());
        assertNull(CertificateAuthority.altNames(List.of()));
    }
}
