package dev.berth.proxy.tls;

import dev.berth.proxy.routing.HostNames;
import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which certificate a TLS handshake gets for its SNI name: one with that exact name, else one
 * with the wildcard one label up ({@code *.example.com} for {@code a.example.com}), else the
 * default. Immutable: the store swaps whole instances, so a handshake never sees half an update.
 *
 * <p>When several certificates claim the same name (or the same wildcard), a file certificate
 * beats a control-plane one: files are the operator's local override on this proxy. Among files
 * the later {@code --https-cert} wins; among control-plane certificates the one that expires last
 * (then the first by name), so a renewal stored under a new name takes over before the old one
 * is deleted. A more specific name always wins over a wildcard, whatever its source.
 *
 * <p>The default (no SNI, or a name nothing covers) is the first file certificate, else the
 * control-plane certificate first by name, else none: the handshake is refused.
 */
final class SniCertificates {
    static final SniCertificates NONE = new SniCertificates(Map.of(), Map.of(), null);

    private final Map<String, ServedCertificate> exact;
    /** By the parent domain a wildcard covers: {@code *.example.com} under {@code example.com}. */
    private final Map<String, ServedCertificate> wildcard;
    private final ServedCertificate fallback;

    private SniCertificates(Map<String, ServedCertificate> exact, Map<String, ServedCertificate> wildcard, ServedCertificate fallback) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.fallback = fallback;
    }

    /**
     * @param controlPlane the control plane's certificates, lowest precedence first (later ones win a name)
     * @param files        the file certificates in configuration order (later ones win a name)
     * @param defaultCert  served for names nothing covers; may be null
     */
    static SniCertificates of(List<ServedCertificate> controlPlane, List<ServedCertificate> files, ServedCertificate defaultCert) {
        Map<String, ServedCertificate> exact = new HashMap<>();
        Map<String, ServedCertificate> wildcard = new HashMap<>();
        // Files last: on the same name they overwrite what the control plane put there.
        for (List<ServedCertificate> source : List.of(controlPlane, files)) {
            for (ServedCertificate c : source) {
                for (String name : c.names()) {
                    String pattern = HostNames.normalizePattern(name);
                    if (pattern == null) {
                        continue; // not a host name a client could send as SNI
                    }
                    if (pattern.startsWith("*.")) {
                        wildcard.put(pattern.substring(2), c);
                    } else {
                        exact.put(pattern, c);
                    }
                }
            }
        }
        return new SniCertificates(Map.copyOf(exact), Map.copyOf(wildcard), defaultCert);
    }

    /** The certificate for an SNI name ({@code null}: none sent); {@code null} when there is no default either. */
    ServedCertificate select(String sniName) {
        String host = sniName == null ? null : HostNames.normalize(sniName);
        if (host == null) {
            return fallback;
        }
        ServedCertificate c = exact.get(host);
        if (c == null) {
            String parent = HostNames.parentOf(host);
            c = parent == null ? null : wildcard.get(parent);
        }
        return c != null ? c : fallback;
    }
}
