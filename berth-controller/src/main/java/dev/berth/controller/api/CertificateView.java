package dev.berth.controller.api;

import dev.berth.model.certs.ServingCertificate;
import java.time.Instant;
import java.util.List;

/** A serving certificate as the API shows it: never its private key, nor its PEM. */
record CertificateView(String name, List<String> dnsNames, long notAfter, String notAfterIso, String fingerprint) {
    static CertificateView of(ServingCertificate c) {
        return new CertificateView(c.name(), c.dnsNames(), c.notAfter(), Instant.ofEpochMilli(c.notAfter()).toString(),
                c.fingerprint());
    }
}
