package dev.berth.model;

/** A host:port a proxy can connect to. */
public record Endpoint(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
