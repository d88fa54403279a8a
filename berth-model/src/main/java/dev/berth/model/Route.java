package dev.berth.model;

/**
 * Where traffic matching {@code key} goes. Derived from instances, never written by hand:
 * {@code backend} is the READY instance's endpoint, or null for an instance still starting
 * (proxies answer 503 "starting" for it).
 *
 * @param terminateTls for a TLS route: the proxy terminates TLS with its own certificate for the name and
 *                     relays the plaintext (a {@code tcp} port with {@code tls: terminate}); false: passthrough,
 *                     the instance terminates TLS itself. Always false for other protocols.
 */
public record Route(RouteKey key, String instanceId, Endpoint backend, boolean terminateTls) {
    /** A route without TLS termination: HTTP, raw TCP, or TLS passthrough. */
    public Route(RouteKey key, String instanceId, Endpoint backend) {
        this(key, instanceId, backend, false);
    }
}
