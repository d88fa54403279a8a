package dev.berth.proxy.tls;

import dev.berth.model.certs.ServingCertificates;
import dev.berth.proxy.http.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates of {@code --https-cert} PEM files. Loads all pairs or none, so a half-copied
 * file never replaces a working set; remembers the files' modification times to tell when a
 * reload is due.
 */
final class FileCertificates {
    /** One complete load: the certificates in configuration order and the stamps they were read at. */
    record Loaded(List<ServedCertificate> certificates, List<FileTime> stamps) {
        static final Loaded NONE = new Loaded(List.of(), List.of());
    }

    private final List<TlsConfig.CertificateFiles> files;
    private final ServerContexts contexts;

    FileCertificates(List<TlsConfig.CertificateFiles> files, ServerContexts contexts) {
        this.files = List.copyOf(files);
        this.contexts = contexts;
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    /**
     * Reads every pair; fails if any cannot be used. The files are held to the rules of certificates
     * stored in the control plane (one parser for both): PKCS#8, PKCS#1 or SEC1 keys, the key must
     * be the certificate's, and the certificate must name a host.
     */
    Loaded load() throws IOException, CertificateException {
        List<FileTime> stamps = stamps();
        List<ServedCertificate> loaded = new ArrayList<>();
        for (TlsConfig.CertificateFiles f : files) {
            ServingCertificates.Parsed parsed;
            try {
                parsed = ServingCertificates.parse("file " + f.certChain(),
                        Files.readString(f.certChain(), StandardCharsets.UTF_8), Files.readString(f.privateKey(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new CertificateException(f.certChain() + " / " + f.privateKey() + ": " + e.getMessage(), e);
            }
            loaded.add(new ServedCertificate("file " + f.certChain(), new ArrayList<>(parsed.certificate().dnsNames()),
                    contexts.from(parsed.chain(), parsed.key())));
        }
        return new Loaded(List.copyOf(loaded), stamps);
    }

    /** Whether any file changed since {@code loaded} was read. */
    boolean changedSince(Loaded loaded) throws IOException {
        return !stamps().equals(loaded.stamps());
    }

    private List<FileTime> stamps() throws IOException {
        List<FileTime> s = new ArrayList<>();
        for (TlsConfig.CertificateFiles f : files) {
            s.add(Files.getLastModifiedTime(f.certChain()));
            s.add(Files.getLastModifiedTime(f.privateKey()));
        }
        return s;
    }
}
