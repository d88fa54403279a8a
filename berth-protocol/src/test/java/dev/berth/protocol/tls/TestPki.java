package dev.berth.protocol.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throwaway CAs and node certificates for tests (berth-cli's `berth certs` makes the real ones). */
final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Identity(X509Certificate cert, PrivateKey key) {
    }

    private TestPki() {
    }

    static Identity ca(String cn) {
        return build("O=Berth Test,CN=" + cn, null, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)), List.of(), true,
                List.of());
    }

    /** A node certificate with serverAuth+clientAuth and SANs 127.0.0.1 and localhost. */
    static Identity node(Identity ca, String cn) {
        return node(ca, cn, List.of("127.0.0.1", "localhost"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth));
    }

    static Identity node(Identity ca, String cn, List<String> sans, Instant notBefore, Instant notAfter, List<KeyPurposeId> ekus) {
        return build("O=Berth Test,CN=" + cn, ca, notBefore, notAfter, sans, false, ekus);
    }

    /** A node certificate whose subject carries {@code ou} as its OU, as `berth certs issue --role` writes it. */
    static Identity node(Identity ca, String cn, String ou) {
        return build("O=Berth Test,OU=" + ou + ",CN=" + cn, ca, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), List.of("127.0.0.1"), false,
                List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth));
    }

    private static Identity build(String subjectDn, Identity issuer, Instant notBefore, Instant notAfter, List<String> sans,
                                  boolean isCa, List<KeyPurposeId> ekus) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = g.generateKeyPair();
            X500Name subject = new X500Name(subjectDn);
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(100, RANDOM).setBit(99),
                    Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign : KeyUsage.digitalSignature));
            if (!ekus.isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
            }
            if (!sans.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String s : sans) {
                    names.add(new GeneralName(Character.isDigit(s.charAt(0)) ? GeneralName.iPAddress : GeneralName.dNSName, s));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
            return new Identity(cert, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path writeCerts(Path file, X509Certificate... certs) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        }
        Files.writeString(file, out.toString());
        return file;
    }

    static Path writeKey(Path file, PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        }
        Files.writeString(file, out.toString());
        return file;
    }

    /** name.crt, name.key and name-ca.pem (the trusted CAs) in dir. */
    static NodeTls files(Path dir, String name, Identity node, Identity... trusted) throws IOException {
        X509Certificate[] cas = new X509Certificate[trusted.length];
        for (int i = 0; i < trusted.length; i++) {
            cas[i] = trusted[i].cert();
        }
        return new NodeTls(writeCerts(dir.resolve(name + ".crt"), node.cert()), writeKey(dir.resolve(name + ".key"), node.key()),
                writeCerts(dir.resolve(name + "-ca.pem"), cas));
    }
}
