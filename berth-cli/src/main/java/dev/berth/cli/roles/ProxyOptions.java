package dev.berth.cli.roles;

import dev.berth.cli.DurationConverter;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.TlsConfig;
import dev.berth.proxy.http.TrustedSources;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The proxy's entrypoints and tuning, the same for `standalone`, `worker` and `proxy`. Each
 * entrypoint has its own address; all but HTTP are off unless given.
 */
public final class ProxyOptions {
    @Option(names = "--http", defaultValue = "127.0.0.1:8080", converter = HostPort.class,
            description = "HTTP entrypoint, routed by Host (default: ${DEFAULT-VALUE}).")
    InetSocketAddress http;

    @Option(names = "--https", converter = HostPort.class,
            description = "HTTPS entrypoint: TLS terminated with the certificate chosen by SNI, then routed by Host. Serves the"
                    + " certificates stored in the control plane (berth tls put) and any --https-cert files.")
    InetSocketAddress https;

    @Option(names = "--https-cert", paramLabel = "CERT.pem,KEY.pem", split = ";",
            description = "A certificate chain and its PKCS#8 key (PEM), repeatable; wildcard certificates work; files are reloaded"
                    + " when they change, and win a name the control plane's certificates also cover. The first is the default.")
    List<String> httpsCerts = new ArrayList<>();

    @Option(names = "--redirect-https", description = "Answer plain HTTP with a redirect to HTTPS.")
    boolean redirectHttps;

    @Option(names = "--tls", converter = HostPort.class,
            description = "TLS entrypoint, routed by the ClientHello's SNI: passed through to tls ports (never decrypted),"
                    + " or terminated with the HTTPS certificates for tcp ports with 'tls: terminate'.")
    InetSocketAddress tls;

    @Option(names = "--tcp", paramLabel = "HOST:FIRST-LAST",
            description = "Raw TCP entrypoints: each port of the range that has a route listens and relays to its instance.")
    String tcp;

    @Option(names = "--metrics", converter = HostPort.class, description = "Prometheus metrics (/metrics) address.")
    InetSocketAddress metrics;

    @Option(names = "--threads", defaultValue = "0", description = "Event-loop threads; 0: two per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--access-log", description = "Log one structured line per proxied request.")
    boolean accessLog;

    // Timeouts and limits; the defaults are ProxyConfig's (ProxyOptionsTest keeps them equal).
    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Longest wait for a backend connection; then 504 (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest a client may take from the first byte of a request to the end of its head; then 408"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "A client connection with no request in progress and no bytes for this long is closed"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--backend-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "A backend that owes a response and sends nothing for this long: 504, or the response is cut"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration backendTimeout;

    @Option(names = "--tunnel-idle-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "WebSocket, TLS passthrough and TCP connections with no bytes either way for this long are closed"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration tunnelIdleTimeout;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.ZeroAllowed.class,
            description = "On SIGTERM, how long requests under way and open tunnels may take to finish; new connections"
                    + " are refused at once (default: ${DEFAULT-VALUE}; 0s: stop at once).")
    Duration shutdownGrace;

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR", split = ",",
            description = "Load balancers (addresses or CIDR blocks, comma-separated) whose connections start with a"
                    + " PROXY protocol header (v1 or v2): the client it names is the one X-Forwarded-For, X-Real-IP and"
                    + " the access log show; their connections without one are closed.")
    List<String> proxyProtocolFrom = new ArrayList<>();

    @Option(names = "--max-header-bytes", paramLabel = "BYTES", defaultValue = "16384",
            description = "Largest request field block; larger gets 431 (default: ${DEFAULT-VALUE}).")
    int maxHeaderBytes;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "0",
            description = "Largest request body; larger gets 413; 0: no limit (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    ProxyConfig toConfig() {
        if (maxHeaderBytes < 1024 || maxHeaderBytes > 1 << 20) {
            throw new IllegalArgumentException("--max-header-bytes takes 1024 to 1048576, got " + maxHeaderBytes);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("--max-body-bytes takes 0 (no limit) or more, got " + maxBodyBytes);
        }
        TrustedSources balancers;
        try {
            balancers = TrustedSources.parse(proxyProtocolFrom);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--proxy-protocol-from: " + e.getMessage(), e);
        }
        ProxyConfig.Builder b = ProxyConfig.builder()
                .entrypoint(Entrypoint.http("http", http.getHostString(), http.getPort()).withRedirectToHttps(redirectHttps))
                .eventLoopThreads(threads)
                .accessLog(accessLog)
                .connectTimeout(connectTimeout)
                .requestHeaderTimeout(headerTimeout)
                .idleTimeout(idleTimeout)
                .backendTimeout(backendTimeout)
                .tunnelIdleTimeout(tunnelIdleTimeout)
                .shutdownGrace(shutdownGrace)
                .proxyProtocolFrom(balancers)
                .maxHeaderSize(maxHeaderBytes)
                .maxRequestBodyBytes(maxBodyBytes);
        if (https == null && !httpsCerts.isEmpty()) {
            throw new IllegalArgumentException("--https-cert needs an HTTPS entrypoint to serve it: give --https HOST:PORT");
        }
        if (https != null) {
            // No files is fine: the entrypoint then serves the control plane's certificates only.
            List<TlsConfig.CertificateFiles> files = new ArrayList<>();
            for (String pair : httpsCerts) {
                String[] p = pair.split(",");
                if (p.length != 2) {
                    throw new IllegalArgumentException("--https-cert takes CERT.pem,KEY.pem, got '" + pair + "'");
                }
                files.add(new TlsConfig.CertificateFiles(Path.of(p[0].trim()), Path.of(p[1].trim())));
            }
            b.entrypoint(Entrypoint.https("https", https.getHostString(), https.getPort())).tls(TlsConfig.of(files));
        }
        if (tls != null) {
            b.entrypoint(Entrypoint.tls("tls", tls.getHostString(), tls.getPort()));
            if (https == null) {
                // No HTTPS: the TLS entrypoint still terminates "tls: terminate" ports with the control plane's certificates.
                b.tls(TlsConfig.of(List.of()));
            }
        }
        if (tcp != null) {
            int colon = tcp.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--tcp takes HOST:FIRST-LAST (e.g. 127.0.0.1:31000-31999), got '" + tcp + "'");
            }
            PortRange range = PortRange.parse(tcp.substring(colon + 1));
            b.entrypoint(Entrypoint.tcp("tcp", tcp.substring(0, colon), range.first(), range.last()));
        }
        if (metrics != null) {
            b.entrypoint(Entrypoint.metrics("metrics", metrics.getHostString(), metrics.getPort()));
        }
        return b.build();
    }

    String describe() {
        StringBuilder s = new StringBuilder("http://" + HostPort.text(http));
        if (https != null) {
            s.append(", https://").append(HostPort.text(https));
        }
        if (tls != null) {
            s.append(", tls ").append(HostPort.text(tls));
        }
        if (tcp != null) {
            s.append(", tcp ").append(tcp);
        }
        if (metrics != null) {
            s.append(", metrics http://").append(HostPort.text(metrics)).append("/metrics");
        }
        return s.toString();
    }
}
