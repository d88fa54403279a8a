package dev.berth.controller.api;

/** Body of {@code PUT /certificates/{name}}: the PEM chain and its PEM private key. */
record CertificateBody(String certificate, String key) {
}
