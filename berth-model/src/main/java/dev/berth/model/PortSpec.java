package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One container port a template exposes.
 *
 * @param tls           {@link PortTls#TERMINATE} on a {@code tcp} port: also reachable by SNI through the proxy's TLS
 *                      entrypoint, which terminates TLS; {@code null} (left out of JSON/YAML) for none
 * @param proxyProtocol on a {@code tcp} or {@code tls} port: each connection the proxy opens to it starts with
 *                      a PROXY protocol header of this version naming the player; {@code null} for none
 */
public record PortSpec(String name, int containerPort, Protocol protocol,
                       @JsonInclude(JsonInclude.Include.NON_NULL) PortTls tls,
                       @JsonInclude(JsonInclude.Include.NON_NULL) ProxyProtocolVersion proxyProtocol) {
    public PortSpec {
        protocol = protocol == null ? Protocol.HTTP : protocol;
    }

    public PortSpec(String name, int containerPort, Protocol protocol, PortTls tls) {
        this(name, containerPort, protocol, tls, null);
    }

    public PortSpec(String name, int containerPort, Protocol protocol) {
        this(name, containerPort, protocol, null, null);
    }

    /** True for a tcp port the proxy's TLS entrypoint terminates TLS for. */
    public boolean terminatesTls() {
        return tls == PortTls.TERMINATE && protocol == Protocol.TCP;
    }
}
