package dev.berth.proxy.tls;

import dev.berth.model.certs.PemCertificates;
import dev.berth.model.certs.PemPrivateKeys;
import dev.berth.model.certs.ServingCertificate;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server contexts for the certificates the control plane stores, built once per certificate and
 * reused while it stays the same, so a route change (or a change to another certificate) costs no
 * handshake-context rebuild. Not thread-safe: the certificate store calls it under its lock.
 */
final class ControlPlaneCertificates {
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneCertificates.class);

    /** Lowest precedence first: the one that expires last wins a shared name, then the first by name. */
    static final Comparator<ServingCertificate> PRECEDENCE = Comparator.comparingLong(ServingCertificate::notAfter)
            .thenComparing(ServingCertificate::name, Comparator.reverseOrder());

    private final ServerContexts contexts;
    private Map<String, Built> built = Map.of();

    private record Built(ServingCertificate certificate, ServedCertificate served) {
    }

    ControlPlaneCertificates(ServerContexts contexts) {
        this.contexts = contexts;
    }

    /**
     * The served form of {@code certificates}, lowest precedence first. A certificate this proxy
     * cannot use (the controller checked it, so this means a JVM without its key type) is left out
     * and logged; the others are served.
     */
    List<ServedCertificate> update(Map<String, ServingCertificate> certificates) {
        Map<String, Built> next = new HashMap<>();
        for (ServingCertificate c : certificates.values()) {
            Built b = built.get(c.name());
            if (b == null || !b.certificate().equals(c)) {
                try {
                    b = new Built(c, build(c));
                    log.info("TLS certificate '{}' from the control plane serves {} (expires {}, sha256 {})",
                            c.name(), c.dnsNames(), Instant.ofEpochMilli(c.notAfter()), c.fingerprint());
                } catch (SSLException | RuntimeException e) {
                    log.warn("cannot serve TLS certificate '{}' from the control plane: {}", c.name(), e.toString());
                    continue;
                }
            }
            next.put(c.name(), b);
        }
        for (String gone : built.keySet()) {
            if (!certificates.containsKey(gone)) {
                log.info("TLS certificate '{}' removed by the control plane", gone);
            }
        }
        built = Map.copyOf(next);
        return next.values().stream()
                .sorted(Comparator.comparing(Built::certificate, PRECEDENCE))
                .map(Built::served)
                .toList();
    }

    /** The control-plane certificate a handshake gets when no name matches and no file certificate is configured. */
    ServedCertificate firstByName() {
        return built.values().stream().min(Comparator.comparing(b -> b.certificate().name()))
                .map(Built::served).orElse(null);
    }

    private ServedCertificate build(ServingCertificate c) throws SSLException {
        List<X509Certificate> chain = PemCertificates.read(c.certificate());
        PrivateKey key = PemPrivateKeys.read(c.key());
        return new ServedCertificate("control plane '" + c.name() + "'", new ArrayList<>(c.dnsNames()), contexts.from(chain, key));
    }
}
