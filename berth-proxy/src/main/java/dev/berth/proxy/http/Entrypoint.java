package dev.berth.proxy.http;

import java.util.Locale;
import java.util.Objects;

/**
 * One listening address of the proxy and what it speaks there.
 *
 * @param name            unique within a proxy; names the bound port in {@link ProxyServer#port(String)}
 * @param kind            what arrives on it
 * @param host            bind address ("0.0.0.0", "::", "127.0.0.1")
 * @param port            port to bind; 0 picks a free one (tests). For {@link Kind#TCP}, the first port of the range
 * @param lastPort        for {@link Kind#TCP}: the last port routes may ask for (inclusive); else equal to {@code port}
 * @param redirectToHttps for {@link Kind#HTTP}: answer every request with a 308 to https (ACME paths excepted)
 */
public record Entrypoint(String name, Kind kind, String host, int port, int lastPort, boolean redirectToHttps) {

    public enum Kind {
        /** Plain HTTP/1.1, routed by Host. */
        HTTP,
        /** TLS terminated here (SNI picks the certificate), then HTTP/1.1 or h2 by ALPN; SNI names with
         *  a TLS route are passed through undecrypted instead. */
        HTTPS,
        /** TLS passthrough only: routed by SNI, never decrypted. */
        TLS,
        /** Raw TCP: one listening port per TCP route whose listen port lies in [port, lastPort]. */
        TCP,
        /** Prometheus text on GET /metrics, and GET /healthz. */
        METRICS;

        public static Kind parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    public Entrypoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535 || lastPort < port || lastPort > 65535) {
            throw new IllegalArgumentException("entrypoint " + name + ": bad port range " + port + "-" + lastPort);
        }
        if (kind == Kind.TCP && port == 0) {
            throw new IllegalArgumentException("entrypoint " + name + ": a TCP entrypoint needs a real port range");
        }
    }

    public static Entrypoint http(String name, String host, int port) {
        return new Entrypoint(name, Kind.HTTP, host, port, port, false);
    }

    public static Entrypoint https(String name, String host, int port) {
        return new Entrypoint(name, Kind.HTTPS, host, port, port, false);
    }

    public static Entrypoint tls(String name, String host, int port) {
        return new Entrypoint(name, Kind.TLS, host, port, port, false);
    }

    public static Entrypoint metrics(String name, String host, int port) {
        return new Entrypoint(name, Kind.METRICS, host, port, port, false);
    }

    public static Entrypoint tcp(String name, String host, int firstPort, int lastPort) {
        return new Entrypoint(name, Kind.TCP, host, firstPort, lastPort, false);
    }

    public Entrypoint withRedirectToHttps(boolean redirect) {
        return new Entrypoint(name, kind, host, port, lastPort, redirect);
    }
}
