package dev.berth.model;

/** One container port a template exposes. */
public record PortSpec(String name, int containerPort, Protocol protocol) {
    public PortSpec {
        protocol = protocol == null ? Protocol.HTTP : protocol;
    }
}
