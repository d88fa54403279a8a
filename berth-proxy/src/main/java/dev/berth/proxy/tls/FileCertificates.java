package dev.berth.proxy.tls;

import dev.berth.model.certs.CertificateNames;
import dev.berth.proxy.http.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
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

    /** Reads every pair; fails if any cannot be used. */
    Loaded load() throws IOException, CertificateException {
        List<FileTime> stamps = stamps();
        List<ServedCertificate> loaded = new ArrayList<>();
        for (TlsConfig.CertificateFiles f : files) {
            List<String> names;
            try {
                names = CertificateNames.of(leaf(f.certChain()));
            } catch (IllegalArgumentException e) {
                throw new CertificateException(f.certChain() + ": " + e.getMessage(), e);
            }
            loaded.add(new ServedCertificate("file " + f.certChain(), names, contexts.fromFiles(f.certChain(), f.privateKey())));
        }
        return new Loaded(List.copyOf(loaded), stamps);
    }

    /** The first certificate of a chain file: the one whose names it serves. */
    private static X509Certificate leaf(Path chain) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(chain)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.isEmpty()) {
                throw new CertificateException("no certificate in " + chain);
            }
            return (X509Certificate) all.iterator().next();
        }
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
