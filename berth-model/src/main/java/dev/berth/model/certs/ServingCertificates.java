package dev.berth.model.certs;

import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a PEM chain and key into a {@link ServingCertificate}, refusing what a TLS server could
 * not serve: no certificate, a malformed one, a chain out of order, a key that is not the
 * certificate's, a key type other than RSA or EC, an encrypted key, or more than
 * {@link #MAX_PEM_BYTES} of PEM. Everything is checked here, where a certificate enters the
 * cluster, never while the Raft log is applied.
 */
public final class ServingCertificates {
    /** Chain and key together: a server certificate with a few intermediates is 5-10 KiB. */
    public static final int MAX_PEM_BYTES = 64 * 1024;

    /** A certificate read from PEM, with the objects a TLS server needs. */
    public record Parsed(ServingCertificate certificate, List<X509Certificate> chain, PrivateKey key) {
    }

    private ServingCertificates() {
    }

    /**
     * @throws BerthException {@code invalid_certificate} saying what is wrong, or
     *                        {@code payload_too_large} over {@link #MAX_PEM_BYTES}
     */
    public static Parsed read(String name, String certificatePem, String keyPem) {
        String chainText = certificatePem == null ? "" : certificatePem;
        String keyText = keyPem == null ? "" : keyPem;
        long size = (long) chainText.getBytes(StandardCharsets.UTF_8).length + keyText.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PEM_BYTES) {
            throw new BerthException(ErrorCode.PAYLOAD_TOO_LARGE, "certificate and key are " + size
                    + " bytes together; the limit is " + MAX_PEM_BYTES);
        }
        try {
            return parse(name, chainText, keyText);
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_CERTIFICATE, e.getMessage());
        }
    }

    /**
     * The checks of {@link #read} without its size limit, for PEM files a proxy is configured with
     * (where the operator decides what a file holds).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Parsed parse(String name, String certificatePem, String keyPem) {
        String chainText = certificatePem == null ? "" : certificatePem;
        String keyText = keyPem == null ? "" : keyPem;
        List<X509Certificate> chain = PemCertificates.read(chainText);
        PrivateKey key = PemPrivateKeys.read(keyText);
        X509Certificate leaf = chain.get(0);
        if (!KeyPairs.match(key, leaf.getPublicKey())) {
            String subject = leaf.getSubjectX500Principal().getName();
            String certificateAlgorithm = leaf.getPublicKey().getAlgorithm();
            throw new IllegalArgumentException(key.getAlgorithm().equals(certificateAlgorithm)
                    ? "key: is not the key of the certificate (" + subject + ")"
                    : "key: is an " + key.getAlgorithm() + " key, but the certificate (" + subject + ") has an "
                            + certificateAlgorithm + " key");
        }
        List<String> names = CertificateNames.of(leaf);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("certificate: names no host (no DNS subject alternative name, no CN)");
        }
        ServingCertificate stored = new ServingCertificate(name, chainText, keyText, names,
                leaf.getNotAfter().getTime(), fingerprint(leaf));
        return new Parsed(stored, chain, key);
    }

    /** SHA-256 of the certificate's DER, as {@code openssl x509 -noout -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate: cannot be encoded (" + e.getMessage() + ")", e);
        }
    }
}
