package dev.berth.proxy.testutil;

import dev.berth.model.certs.ServingCertificate;
import dev.berth.model.certs.ServingCertificates;
import dev.berth.testing.TestCertificates;

/** Control-plane certificates for proxy tests: real PEM, checked the way a controller checks them. */
public final class ServingCerts {
    private ServingCerts() {
    }

    public static ServingCertificate of(String name, TestCertificates.Issued issued) {
        return ServingCertificates.read(name, issued.chainPem(), issued.keyPem()).certificate();
    }
}
