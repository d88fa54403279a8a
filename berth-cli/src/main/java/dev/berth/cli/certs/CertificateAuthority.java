package dev.berth.cli.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's private CA, as {@code berth certs} makes and uses it: an ECDSA P-256 key and a
 * self-signed CA certificate (path length 0: it signs node certificates only), and node
 * certificates it signs for mutual TLS between Berth nodes, each usable as TLS server and client.
 */
public final class CertificateAuthority {
    /** What a node certificate is for; recorded as the subject's OU, for operators reading certificates. */
    public enum Role {
        controller, worker, proxy
    }

    /** A node's key and the certificate the CA signed for it. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public String certificatePem() {
            return Pem.certificate(certificate);
        }

        public String keyPem() {
            return Pem.privateKey(key);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";
    /** Clock skew between the host that issues and the hosts that check. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA: fresh key, self-signed certificate valid for {@code validity} from now. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair pair = newKeyPair();
        X500Name subject = name(commonName, null);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("could not make the CA certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /**
     * A node certificate: CN={@code name}, OU={@code role} (when given), subject alternative
     * names for {@code sans} (IP literals as IP addresses, anything else as DNS names), extended
     * key usage serverAuth and clientAuth, valid for {@code validity} (never past the CA's own end).
     *
     * @throws IllegalArgumentException for a SAN that is neither an IP address nor a DNS name
     */
    public Issued issue(String name, Role role, List<String> sans, Duration validity) {
        GeneralNames altNames = altNames(sans);
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(name, role), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            if (altNames != null) {
                // RFC 5280: critical when the subject is empty; ours always has a CN, so not critical.
                b.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new Issued(sign(b, key), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("could not issue a certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code 10.0.0.5} and {@code ::1} become IP SANs; {@code ctl-1.example.com} and {@code *.x.y} DNS SANs. */
    static GeneralNames altNames(List<String> sans) {
        if (sans == null || sans.isEmpty()) {
            return null;
        }
        List<GeneralName> names = new ArrayList<>();
        for (String raw : sans) {
            String san = raw.trim();
            String lower = san.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ip:")) {
                names.add(new GeneralName(GeneralName.iPAddress, ipLiteral(san.substring(3), raw)));
            } else if (lower.startsWith("dns:")) {
                names.add(new GeneralName(GeneralName.dNSName, dnsName(san.substring(4), raw)));
            } else if (IPV4.matcher(san).matches() || san.contains(":")) {
                names.add(new GeneralName(GeneralName.iPAddress, ipLiteral(san, raw)));
            } else {
                names.add(new GeneralName(GeneralName.dNSName, dnsName(san, raw)));
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static String ipLiteral(String text, String raw) {
        String ip = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!(IPV4.matcher(ip).matches() || ip.contains(":"))) {
            throw new IllegalArgumentException("--san " + raw + ": not an IP address");
        }
        try {
            // a literal: parsed, never looked up
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("--san " + raw + ": not an IP address");
        }
    }

    private static String dnsName(String text, String raw) {
        if (text.length() > 253 || !DNS.matcher(text).matches()) {
            throw new IllegalArgumentException("--san " + raw + ": neither an IP address nor a DNS name");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static X500Name name(String commonName, Role role) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Berth");
        if (role != null) {
            b.addRDN(BCStyle.OU, role.name());
        }
        return b.addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generation in this JDK", e);
        }
    }

    private static BigInteger serial() {
        // 127 random bits: positive, unique in practice, within RFC 5280's 20 octets
        return new BigInteger(127, RANDOM).setBit(126);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** Whether {@code key} is the private half of {@code publicKey}: a signature made and checked. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            java.security.Signature s = java.security.Signature.getInstance(SIGNATURE);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            s.initVerify(publicKey);
            s.update(challenge);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PEM text: certificates as {@code CERTIFICATE}, keys as unencrypted PKCS#8 {@code PRIVATE KEY}. */
    static final class Pem {
        private Pem() {
        }

        static String certificate(X509Certificate cert) {
            return write(cert);
        }

        static String privateKey(PrivateKey key) {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(new JcaPKCS8Generator(key, null)); // PKCS#8, not the EC-specific "EC PRIVATE KEY"
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toString();
        }

        private static String write(Object o) {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(o);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toString();
        }
    }
}
