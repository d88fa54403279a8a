package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One container port a template exposes.
 *
 * @param tls {@link PortTls#TERMINATE} on a {@code tcp} port: also reachable by SNI through the proxy's TLS
 *            entrypoint, which terminates TLS; {@code null} (left out of JSON/YAML) for none
 */
public record PortSpec(String name, int containerPort, Protocol protocol,
                       @JsonInclude(JsonInclude.Include.NON_NULL) PortTls tls) {
    public PortSpec {
        protocol = protocol == null ? Protocol.HTTP : protocol;
    }

    public PortSpec(String name, int containerPort, Protocol protocol) {
        this(name, containerPort, protocol, null);
    }

    /** True for a tcp port the proxy's TLS entrypoint terminates TLS for. */
    public boolean terminatesTls() {
        return tls == PortTls.TERMINATE && protocol == Protocol.TCP;
    }
}
