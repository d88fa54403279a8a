package dev.berth.model.certs;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads a PEM certificate chain: the server's certificate first, then the certificates that issued it. */
public final class PemCertificates {
    private PemCertificates() {
    }

    /**
     * The chain in {@code pem}, checked to be in issuing order (each certificate issued by the next),
     * because clients that do not reorder a chain fail on one that is not.
     *
     * @throws IllegalArgumentException saying what is wrong, starting with "certificate: "
     */
    public static List<X509Certificate> read(String pem) {
        List<Pem.Block> blocks = Pem.blocks(pem, "certificate");
        if (blocks.stream().anyMatch(b -> b.type().endsWith("PRIVATE KEY"))) {
            throw new IllegalArgumentException("certificate: holds a private key; give the key separately (certificate and key swapped?)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
        }
        for (Pem.Block b : blocks) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("certificate: block " + (chain.size() + 1)
                        + " is not a valid X.509 certificate (" + PemPrivateKeys.oneLine(e) + ")", e);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate: no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate issued = chain.get(i);
            X509Certificate next = chain.get(i + 1);
            if (!issued.getIssuerX500Principal().equals(next.getSubjectX500Principal())) {
                throw new IllegalArgumentException("certificate: the chain is out of order: certificate " + (i + 2)
                        + " (" + next.getSubjectX500Principal().getName() + ") did not issue certificate " + (i + 1)
                        + " (" + issued.getSubjectX500Principal().getName() + "); put the server's certificate first, then each issuer");
            }
        }
        return List.copyOf(chain);
    }
}
