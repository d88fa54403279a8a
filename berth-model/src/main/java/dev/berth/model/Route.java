package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where traffic matching {@code key} goes. Derived from instances, never written by hand:
 * {@code backend} is the READY instance's endpoint, or null for an instance still starting
 * (proxies answer 503 "starting" for it).
 *
 * @param terminateTls  for a TLS route: the proxy terminates TLS with its own certificate for the name and
 *                      relays the plaintext (a {@code tcp} port with {@code tls: terminate}); false: passthrough,
 *                      the instance terminates TLS itself. Always false for other protocols.
 * @param proxyProtocol for TCP and TLS routes: the PROXY protocol header the proxy writes first on each
 *                      connection to the backend; null for none (always for HTTP)
 */
public record Route(RouteKey key, String instanceId, Endpoint backend, boolean terminateTls,
                    @JsonInclude(JsonInclude.Include.NON_NULL) ProxyProtocolVersion proxyProtocol) {
    /** A route without TLS termination or PROXY protocol: HTTP, raw TCP, or TLS passthrough. */
    public Route(RouteKey key, String instanceId, Endpoint backend) {
        this(key, instanceId, backend, false, null);
    }

    public Route(RouteKey key, String instanceId, Endpoint backend, boolean terminateTls) {
        this(key, instanceId, backend, terminateTls, null);
    }
}
