package dev.berth.controller.api;

import dev.berth.controller.service.CertificateService;

/**
 * {@code /api/v1/certificates}: the serving certificates of the proxies' HTTPS entrypoints
 * (store or replace, list, read, delete). Answers never carry a private key.
 */
final class CertificateEndpoints {
    private final CertificateService certificates;

    CertificateEndpoints(CertificateService certificates) {
        this.certificates = certificates;
    }

    void register(Router r) {
        r.get("/api/v1/certificates", req -> ApiResponse.ok(certificates.list().stream().map(CertificateView::of).toList()));
        r.get("/api/v1/certificates/{name}", req -> ApiResponse.ok(CertificateView.of(certificates.get(req.path("name")))));
        r.put("/api/v1/certificates/{name}", req -> {
            CertificateBody body = req.body(CertificateBody.class, false);
            return ApiResponse.ok(CertificateView.of(certificates.put(req.path("name"), body.certificate(), body.key())));
        });
        r.delete("/api/v1/certificates/{name}", req -> {
            certificates.delete(req.path("name"));
            return ApiResponse.noContent();
        });
    }
}
