package dev.berth.model.certs;

import java.util.List;
import java.util.Objects;

/**
 * A certificate the proxies' HTTPS entrypoints serve, stored in the control plane under a name
 * ({@code berth tls put}). {@code certificate} is the PEM chain (the server's certificate first),
 * {@code key} its unencrypted PEM private key. The rest is derived from the chain when it is
 * stored ({@link ServingCertificates#read}) and carried along, so applying the Raft log and
 * routing by SNI never parse anything: {@code dnsNames} are the names it serves (DNS subject
 * alternative names, else the subject's CN; {@code *.example.com} covers one label),
 * {@code notAfter} its expiry in epoch milliseconds, {@code fingerprint} the SHA-256 of the
 * server certificate as openssl prints it ({@code AB:CD:...}).
 */
public record ServingCertificate(String name, String certificate, String key, List<String> dnsNames,
                                 long notAfter, String fingerprint) {
    public ServingCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** Never the key: records end up in log lines and exception messages. */
    @Override
    public String toString() {
        return "ServingCertificate[name=" + name + ", dnsNames=" + dnsNames + ", notAfter=" + notAfter
                + ", fingerprint=" + fingerprint + "]";
    }
}
