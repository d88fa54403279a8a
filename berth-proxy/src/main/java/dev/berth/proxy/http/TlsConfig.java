package dev.berth.proxy.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Certificates for HTTPS entrypoints: PEM pairs, each serving the names in its certificate
 * (wildcards included). The first pair is the default for clients that send no or an unknown SNI.
 * The control plane's certificates (in the route table) are served too; with no pairs at all,
 * they are the only ones.
 *
 * @param certificates   PEM certificate chain + PEM private key (PKCS#8, PKCS#1 or SEC1) per entry; may be empty
 * @param reloadInterval how often to look for changed files; zero disables hot reload
 * @param enableHttp2    offer h2 by ALPN (else only http/1.1)
 */
public record TlsConfig(List<CertificateFiles> certificates, Duration reloadInterval, boolean enableHttp2) {

    public record CertificateFiles(Path certChain, Path privateKey) {
        public CertificateFiles {
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    public TlsConfig {
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(reloadInterval, "reloadInterval");
    }

    public static TlsConfig of(List<CertificateFiles> certificates) {
        return new TlsConfig(certificates, Duration.ofSeconds(10), true);
    }
}
