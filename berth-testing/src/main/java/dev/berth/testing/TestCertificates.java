package dev.berth.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway CAs and server certificates as PEM text, the way an operator would hand them to
 * {@code berth tls put}. Shared with other modules' tests through berth-model's test-jar.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    public enum KeyType { EC, RSA }

    /** A certificate, its key and the CA certificate that signed it (itself for a CA). */
    public record Issued(X509Certificate cert, PrivateKey key, X509Certificate issuer) {
        /** The server's certificate, then its issuer (unless self-signed). */
        public String chainPem() {
            String chain = pem("CERTIFICATE", der(cert));
            return issuer == null || issuer.equals(cert) ? chain : chain + pem("CERTIFICATE", der(issuer));
        }

        public String certPem() {
            return pem("CERTIFICATE", der(cert));
        }

        /** Unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        /**
         * The algorithm's own encoding: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
         * ({@code BEGIN EC PRIVATE KEY}, naming its curve as {@code openssl ecparam -genkey} writes it).
         */
        public String traditionalKeyPem() {
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
                var curve = info.getPrivateKeyAlgorithm().getParameters();
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(), curve);
                try {
                    return pem("EC PRIVATE KEY", sec1.getEncoded());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }

        /** SHA-256 of the DER certificate as openssl prints it (AB:CD:...), computed here independently of Berth's code. */
        public String fingerprint() {
            try {
                return java.util.HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public void writePem(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, chainPem(), StandardCharsets.US_ASCII);
            Files.writeString(keyFile, keyPem(), StandardCharsets.US_ASCII);
        }
    }

    public static Issued ca(String cn) {
        KeyPair kp = keyPair(KeyType.EC);
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        X509v3CertificateBuilder b = builder(name, name, kp, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        X509Certificate c = sign(b, kp.getPrivate());
        return new Issued(c, kp.getPrivate(), c);
    }

    /** An EC server certificate for {@code names} (DNS names, wildcards allowed), valid from an hour ago for two days. */
    public static Issued leaf(Issued ca, String... names) {
        Instant now = Instant.now();
        return leaf(ca, KeyType.EC, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)), names);
    }

    /**
     * A server certificate with a key of {@code type}, valid in [notBefore, notAfter]. Its CN is the
     * first name; an empty name list gives a certificate with a CN of "no-names" and no SAN.
     */
    public static Issued leaf(Issued ca, KeyType type, Instant notBefore, Instant notAfter, String... names) {
        KeyPair kp = keyPair(type);
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + (names.length == 0 ? "no-names" : names[0])), kp, notBefore, notAfter);
        try {
            if (names.length > 0) {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    // an IP literal, not merely a name starting with a digit (instance hostnames often do)
                    boolean ip = n.matches("\\d{1,3}(\\.\\d{1,3}){3}") || n.contains(":");
                    sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(sign(b, ca.key()), kp.getPrivate(), ca.cert());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Instant notBefore, Instant notAfter) {
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
        try {
            String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(key)));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(KeyType type) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type.name());
            g.initialize(type == KeyType.EC ? 256 : 2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
