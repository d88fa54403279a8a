package dev.berth.model;

/**
 * What a proxy matches on: the Host header (http), the SNI name (tls), or its own
 * listening port (tcp). Host names are kept lower-case.
 */
public record RouteKey(Protocol protocol, String host, int listenPort) {
    public static RouteKey http(String host) {
        return new RouteKey(Protocol.HTTP, host, 0);
    }

    public static RouteKey tls(String host) {
        return new RouteKey(Protocol.TLS, host, 0);
    }

    public static RouteKey tcp(int listenPort) {
        return new RouteKey(Protocol.TCP, "", listenPort);
    }
}
