package dev.berth.controller.service;

import dev.berth.controller.state.Command;
import dev.berth.controller.store.StateStore;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Names;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.model.certs.ServingCertificates;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Serving certificates for the proxies' HTTPS entrypoints: checked here, where they enter the
 * cluster (name, PEM, key match, expiry), then stored through Raft and streamed to every proxy
 * with the routes.
 */
public final class CertificateService {
    private final StateStore store;
    private final Clock clock;

    public CertificateService(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Stores a new certificate under {@code name}, or replaces the one there. */
    public ServingCertificate put(String name, String certificatePem, String keyPem) {
        if (!Names.isValid(name)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "certificate name " + Names.RULE + ", got '" + name + "'");
        }
        if (certificatePem == null || certificatePem.isBlank()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "certificate is missing: give the PEM chain, the server's certificate first");
        }
        if (keyPem == null || keyPem.isBlank()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "key is missing: give the certificate's PEM private key");
        }
        ServingCertificate c = ServingCertificates.read(name, certificatePem, keyPem).certificate();
        // Only here, with a clock: an expired certificate is a mistake (the old file instead of the
        // renewed one); applying the log never looks at the time.
        if (c.notAfter() <= clock.millis()) {
            throw new BerthException(ErrorCode.INVALID_CERTIFICATE, "certificate: expired on "
                    + Instant.ofEpochMilli(c.notAfter()) + " (" + String.join(", ", c.dnsNames()) + ")");
        }
        store.commit(new Command.PutCertificate(c)).orThrow();
        return c;
    }

    public ServingCertificate get(String name) {
        ServingCertificate c = store.read(s -> s.certificate(name));
        if (c == null) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no certificate named '" + name + "'");
        }
        return c;
    }

    public List<ServingCertificate> list() {
        return store.read(s -> List.copyOf(s.certificates()));
    }

    public void delete(String name) {
        if (!Names.isValid(name)) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no certificate named '" + name + "'");
        }
        store.commit(new Command.DeleteCertificate(name)).orThrow();
    }
}
