package dev.berth.model.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TestCertificates.Issued;
import dev.berth.testing.TestCertificates.KeyType;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServingCertificatesTest {
    static final Issued CA = TestCertificates.ca("Test CA");
    static final Issued WILDCARD = TestCertificates.leaf(CA, "*.berth.localhost", "berth.localhost");

    static BerthException refused(String certificate, String key) {
        return assertThrows(BerthException.class, () -> ServingCertificates.read("web", certificate, key));
    }

    @Test
    void derivesNamesExpiryAndFingerprintFromTheServersCertificate() throws Exception {
        ServingCertificates.Parsed parsed = ServingCertificates.read("web", WILDCARD.chainPem(), WILDCARD.keyPem());
        ServingCertificate c = parsed.certificate();
        assertEquals("web", c.name());
        assertEquals(List.of("*.berth.localhost", "berth.localhost"), c.dnsNames());
        assertEquals(WILDCARD.cert().getNotAfter().getTime(), c.notAfter());
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(WILDCARD.cert().getEncoded()));
        assertEquals(expected, c.fingerprint());
        assertEquals(95, c.fingerprint().length(), "32 bytes as AB:CD:...");
        assertEquals(List.of(WILDCARD.cert(), CA.cert()), parsed.chain(), "the whole chain, server's certificate first");
        assertEquals(WILDCARD.key(), parsed.key());
        assertEquals(WILDCARD.chainPem(), c.certificate(), "the PEM is kept as given");
    }

    @Test
    void commonNameIsTheNameOnlyWhenThereIsNoDnsSubjectAlternativeName() {
        Issued cnOnly = TestCertificates.leaf(CA, KeyType.EC, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
        assertEquals(List.of("no-names"), ServingCertificates.read("cn", cnOnly.chainPem(), cnOnly.keyPem()).certificate().dnsNames());
    }

    @Test
    void readsRsaAndEcKeysInPkcs8Pkcs1AndSec1() {
        Issued rsa = TestCertificates.leaf(CA, KeyType.RSA, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), "rsa.example.com");
        assertTrue(rsa.traditionalKeyPem().contains("BEGIN RSA PRIVATE KEY"), rsa.traditionalKeyPem());
        assertTrue(WILDCARD.traditionalKeyPem().contains("BEGIN EC PRIVATE KEY"), WILDCARD.traditionalKeyPem());
        for (Issued i : List.of(rsa, WILDCARD)) {
            for (String key : List.of(i.keyPem(), i.traditionalKeyPem())) {
                assertEquals(i.key().getAlgorithm(), ServingCertificates.read("k", i.certPem(), key).key().getAlgorithm());
                assertTrue(KeyPairs.match(PemPrivateKeys.read(key), i.cert().getPublicKey()), key);
            }
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        Issued other = TestCertificates.leaf(CA, "*.berth.localhost");
        BerthException e = refused(WILDCARD.chainPem(), other.keyPem());
        assertEquals(ErrorCode.INVALID_CERTIFICATE, e.code());
        assertTrue(e.getMessage().startsWith("key: is not the key of the certificate"), e.getMessage());

        Issued rsa = TestCertificates.leaf(CA, KeyType.RSA, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), "rsa.example.com");
        assertEquals("key: is an EC key, but the certificate (CN=rsa.example.com) has an RSA key",
                refused(rsa.chainPem(), WILDCARD.keyPem()).getMessage());
        assertTrue(refused(WILDCARD.chainPem(), rsa.traditionalKeyPem()).getMessage().startsWith("key: is an RSA key, but the certificate"));
    }

    @Test
    void badPemIsRefusedWithWhatIsWrong() {
        assertEquals("certificate: no PEM certificate in it (-----BEGIN CERTIFICATE-----)",
                refused("hello", WILDCARD.keyPem()).getMessage());
        assertEquals("certificate: no PEM certificate in it (-----BEGIN CERTIFICATE-----)",
                refused(null, WILDCARD.keyPem()).getMessage());
        String truncated = WILDCARD.certPem().substring(0, 200) + "\n-----END CERTIFICATE-----\n";
        BerthException e = refused(truncated, WILDCARD.keyPem());
        assertEquals(ErrorCode.INVALID_CERTIFICATE, e.code());
        assertTrue(e.getMessage().startsWith("certificate: block 1 is not a valid X.509 certificate"), e.getMessage());
        assertTrue(refused(WILDCARD.certPem().replace("M", "*"), WILDCARD.keyPem()).getMessage().contains("not valid base64"));
        assertEquals("key: no PEM private key in it (-----BEGIN PRIVATE KEY-----)",
                refused(WILDCARD.chainPem(), "").getMessage());
        assertTrue(refused(WILDCARD.keyPem(), WILDCARD.chainPem()).getMessage().contains("swapped"));
        assertTrue(refused(WILDCARD.chainPem(), WILDCARD.chainPem()).getMessage().contains("swapped"));
        assertTrue(refused(WILDCARD.chainPem(), WILDCARD.keyPem() + WILDCARD.keyPem()).getMessage().contains("2 private keys"));
        String malformedKey = TestCertificates.pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
        assertTrue(refused(WILDCARD.chainPem(), malformedKey).getMessage().startsWith("key: the PRIVATE KEY is malformed"));
    }

    @Test
    void encryptedAndUnsupportedKeysAreRefused() throws Exception {
        assertTrue(refused(WILDCARD.chainPem(), TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}))
                .getMessage().contains("is encrypted"));
        String legacyEncrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assertTrue(refused(WILDCARD.chainPem(), legacyEncrypted).getMessage().contains("is encrypted"));
        byte[] ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        assertEquals("key: Ed25519 keys are not supported; use an RSA or EC key",
                refused(WILDCARD.chainPem(), TestCertificates.pem("PRIVATE KEY", ed25519)).getMessage());
        assertTrue(refused(WILDCARD.chainPem(), TestCertificates.pem("DSA PRIVATE KEY", new byte[] {1})).getMessage()
                .contains("not supported"));
    }

    @Test
    void aChainOutOfOrderIsRefused() {
        String reversed = TestCertificates.pem("CERTIFICATE", der(CA)) + WILDCARD.certPem();
        BerthException e = refused(reversed, WILDCARD.keyPem());
        assertTrue(e.getMessage().startsWith("certificate: the chain is out of order"), e.getMessage());
    }

    @Test
    void moreThan64KiBIsTooLarge() {
        String padded = WILDCARD.chainPem() + "#".repeat(ServingCertificates.MAX_PEM_BYTES);
        BerthException e = refused(padded, WILDCARD.keyPem());
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
    }

    @Test
    void textAroundBlocksIsIgnored() {
        String withBagAttributes = "Bag Attributes\n    friendlyName: web\nsubject=CN = x\n" + WILDCARD.chainPem();
        assertEquals(WILDCARD.fingerprint(), ServingCertificates.read("web", withBagAttributes, WILDCARD.keyPem()).certificate().fingerprint());
    }

    @Test
    void theKeyNeverShowsInToString() {
        ServingCertificate c = ServingCertificates.read("web", WILDCARD.chainPem(), WILDCARD.keyPem()).certificate();
        assertFalse(c.toString().contains("PRIVATE"), c.toString());
        assertTrue(c.toString().contains(c.fingerprint()));
    }

    private static byte[] der(Issued i) {
        try {
            return i.cert().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unused")
    private static Instant soon() {
        return Instant.now().plus(Duration.ofHours(1));
    }
}
