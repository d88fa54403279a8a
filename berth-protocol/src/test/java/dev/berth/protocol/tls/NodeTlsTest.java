package dev.berth.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** NodeTls refuses bad files with one line that names the file at fault. */
class NodeTlsTest {
    @TempDir
    Path dir;

    TestPki.Identity ca;
    NodeTls good;

    @BeforeEach
    void setUp() throws Exception {
        ca = TestPki.ca("cluster CA");
        good = TestPki.files(dir, "node", TestPki.node(ca, "node-1"), ca);
    }

    private static NodeTlsException refused(Path file, Executable e) {
        NodeTlsException x = assertThrows(NodeTlsException.class, e);
        assertEquals(file, x.file(), x.getMessage());
        assertTrue(x.getMessage().contains(file.toString()), x.getMessage());
        assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
        return x;
    }

    @Test
    void goodFilesMakeBothCredentials() {
        assertNotNull(good.check());
        assertNotNull(good.serverCredentials());
        assertNotNull(good.channelCredentials());
        assertTrue(good.describe().contains("CN=node-1"), good.describe());
    }

    @Test
    void missingFilesAreNamed() {
        Path nowhere = dir.resolve("nope.crt");
        assertTrue(refused(nowhere, () -> new NodeTls(nowhere, good.privateKey(), good.trustedCa()).check())
                .getMessage().contains("no such file"));
        assertTrue(refused(nowhere, () -> new NodeTls(good.certChain(), nowhere, good.trustedCa()).serverCredentials())
                .getMessage().contains("TLS private key"));
        assertTrue(refused(nowhere, () -> new NodeTls(good.certChain(), good.privateKey(), nowhere).channelCredentials())
                .getMessage().contains("TLS CA certificate"));
        assertTrue(refused(dir, () -> new NodeTls(dir, good.privateKey(), good.trustedCa()).check())
                .getMessage().contains("directory"));
    }

    @Test
    void emptyOrGarbageFilesAreNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertTrue(refused(empty, () -> new NodeTls(empty, good.privateKey(), good.trustedCa()).check()).getMessage().contains("empty"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        assertTrue(refused(garbage, () -> new NodeTls(good.certChain(), good.privateKey(), garbage).check())
                .getMessage().contains("no PEM certificate"));
        assertTrue(refused(garbage, () -> new NodeTls(good.certChain(), garbage, good.trustedCa()).check())
                .getMessage().contains("no PKCS#8 PEM private key"));
    }

    @Test
    void swappedFilesAreCalledOut() {
        assertTrue(refused(good.privateKey(), () -> new NodeTls(good.privateKey(), good.certChain(), good.trustedCa()).check())
                .getMessage().contains("swapped"));
    }

    @Test
    void keyOfAnotherCertificateIsAMismatch() throws Exception {
        Path otherKey = TestPki.writeKey(dir.resolve("other.key"), TestPki.node(ca, "node-2").key());
        String m = refused(otherKey, () -> new NodeTls(good.certChain(), otherKey, good.trustedCa()).check()).getMessage();
        assertTrue(m.contains("does not match the certificate in " + good.certChain()), m);
    }

    @Test
    void certificateFromAnotherCaIsAMismatch() throws Exception {
        TestPki.Identity otherCa = TestPki.ca("other CA");
        Path otherCaFile = TestPki.writeCerts(dir.resolve("other-ca.pem"), otherCa.cert());
        String m = refused(good.certChain(), () -> new NodeTls(good.certChain(), good.privateKey(), otherCaFile).check()).getMessage();
        assertTrue(m.contains("does not chain to the CA in " + otherCaFile), m);
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        TestPki.Identity old = TestPki.node(ca, "old", List.of("127.0.0.1"), Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)), List.of(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth));
        NodeTls tls = TestPki.files(dir, "old", old, ca);
        assertTrue(refused(tls.certChain(), tls::check).getMessage().contains("expired on"));
    }

    @Test
    void extendedKeyUsageIsCheckedPerSide() throws Exception {
        TestPki.Identity clientOnly = TestPki.node(ca, "client-only", List.of(), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), List.of(KeyPurposeId.id_kp_clientAuth));
        NodeTls tls = TestPki.files(dir, "client-only", clientOnly, ca);
        assertNotNull(tls.channelCredentials());
        assertTrue(refused(tls.certChain(), tls::serverCredentials).getMessage().contains("lacks serverAuth"));
    }

    @Test
    void nonPkcs8KeysGetTheConversionHint() throws Exception {
        StringWriter sec1 = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sec1)) {
            w.writeObject(good.privateKey() == null ? null : readKey()); // JcaPEMWriter writes EC keys as "EC PRIVATE KEY"
        }
        assertTrue(sec1.toString().startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1.toString());
        Path key = Files.writeString(dir.resolve("sec1.key"), sec1.toString());
        String m = refused(key, () -> new NodeTls(good.certChain(), key, good.trustedCa()).check()).getMessage();
        assertTrue(m.contains("PKCS#8") && m.contains("openssl pkcs8 -topk8"), m);
    }

    private java.security.PrivateKey readKey() throws Exception {
        String pem = Files.readString(good.privateKey());
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(b64)));
    }

    @Test
    void chainFileMayIncludeTheCa() throws Exception {
        TestPki.Identity node = TestPki.node(ca, "node-3");
        Path chain = TestPki.writeCerts(dir.resolve("chain.crt"), node.cert(), ca.cert());
        Path key = TestPki.writeKey(dir.resolve("node-3.key"), node.key());
        assertNotNull(new NodeTls(chain, key, good.trustedCa()).serverCredentials());
    }
}
