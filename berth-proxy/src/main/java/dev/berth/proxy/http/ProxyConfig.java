package dev.berth.proxy.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the data plane's listeners need. Build with {@link #builder()}; the defaults are
 * production values.
 *
 * @param entrypoints            where to listen and what to speak there
 * @param eventLoopThreads       0: Netty's default (2 x cores)
 * @param nativeTransport        use epoll when available
 * @param connectTimeout         backend connect; a timeout answers 504, a refusal 502
 * @param idleTimeout            a client connection with no request in progress and no bytes for this long is closed
 * @param requestHeaderTimeout   from the first byte of a request to the end of its header block; then 408
 * @param backendTimeout         a backend that owes a response and sends nothing for this long: 504 (or a cut)
 * @param maxInitialLineLength   longer request lines: 414
 * @param maxHeaderSize          larger header blocks: 431
 * @param maxRequestBodyBytes    larger bodies: 413; 0 for no limit
 * @param backendPoolIdleTimeout idle pooled backend connections are closed after this
 * @param maxIdlePerBackend      pooled idle connections kept per backend and event loop (default 256: at least the
 *                               concurrency a busy route reaches, else every burst above it opens and closes connections)
 * @param tunnelIdleTimeout      WebSocket, TLS passthrough and TCP connections with no bytes either way for this long are closed
 * @param shutdownGrace          on a graceful stop, how long exchanges under way and tunnels may take to finish
 * @param proxyProtocolFrom      peers (load balancers) whose connections start with a PROXY protocol header
 * @param accessLog              log one line per request (logger {@code dev.berth.proxy.access})
 * @param tls                    certificates for HTTPS entrypoints, also used by TLS entrypoints for routes that
 *                               terminate TLS; {@code null} when there is none (such routes are then refused)
 */
public record ProxyConfig(
        List<Entrypoint> entrypoints,
        int eventLoopThreads,
        boolean nativeTransport,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration requestHeaderTimeout,
        Duration backendTimeout,
        int maxInitialLineLength,
        int maxHeaderSize,
        long maxRequestBodyBytes,
        Duration backendPoolIdleTimeout,
        int maxIdlePerBackend,
        Duration tunnelIdleTimeout,
        Duration shutdownGrace,
        TrustedSources proxyProtocolFrom,
        boolean accessLog,
        TlsConfig tls) {

    public ProxyConfig {
        entrypoints = List.copyOf(entrypoints);
        Set<String> names = new HashSet<>();
        for (Entrypoint e : entrypoints) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("duplicate entrypoint name " + e.name());
            }
            if (e.kind() == Entrypoint.Kind.HTTPS && tls == null) {
                throw new IllegalArgumentException("entrypoint " + e.name() + " is HTTPS but no certificates are configured");
            }
        }
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(idleTimeout);
        Objects.requireNonNull(requestHeaderTimeout);
        Objects.requireNonNull(backendTimeout);
        Objects.requireNonNull(backendPoolIdleTimeout);
        Objects.requireNonNull(tunnelIdleTimeout);
        Objects.requireNonNull(proxyProtocolFrom);
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("negative shutdown grace");
        }
        if (eventLoopThreads < 0 || maxInitialLineLength <= 0 || maxHeaderSize <= 0 || maxRequestBodyBytes < 0
                || maxIdlePerBackend < 0) {
            throw new IllegalArgumentException("negative or zero limits in proxy config");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.entrypoints.addAll(entrypoints);
        b.eventLoopThreads = eventLoopThreads;
        b.nativeTransport = nativeTransport;
        b.connectTimeout = connectTimeout;
        b.idleTimeout = idleTimeout;
        b.requestHeaderTimeout = requestHeaderTimeout;
        b.backendTimeout = backendTimeout;
        b.maxInitialLineLength = maxInitialLineLength;
        b.maxHeaderSize = maxHeaderSize;
        b.maxRequestBodyBytes = maxRequestBodyBytes;
        b.backendPoolIdleTimeout = backendPoolIdleTimeout;
        b.maxIdlePerBackend = maxIdlePerBackend;
        b.tunnelIdleTimeout = tunnelIdleTimeout;
        b.shutdownGrace = shutdownGrace;
        b.proxyProtocolFrom = proxyProtocolFrom;
        b.accessLog = accessLog;
        b.tls = tls;
        return b;
    }

    public static final class Builder {
        private final List<Entrypoint> entrypoints = new ArrayList<>();
        private int eventLoopThreads;
        private boolean nativeTransport = true;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration requestHeaderTimeout = Duration.ofSeconds(10);
        private Duration backendTimeout = Duration.ofSeconds(60);
        private int maxInitialLineLength = 8192;
        private int maxHeaderSize = 16384;
        private long maxRequestBodyBytes;
        private Duration backendPoolIdleTimeout = Duration.ofSeconds(30);
        private int maxIdlePerBackend = 256;
        private Duration tunnelIdleTimeout = Duration.ofMinutes(10);
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private TrustedSources proxyProtocolFrom = TrustedSources.NONE;
        private boolean accessLog;
        private TlsConfig tls;

        public Builder entrypoint(Entrypoint e) {
            entrypoints.add(e);
            return this;
        }

        public Builder clearEntrypoints() {
            entrypoints.clear();
            return this;
        }

        public Builder eventLoopThreads(int n) {
            eventLoopThreads = n;
            return this;
        }

        public Builder nativeTransport(boolean b) {
            nativeTransport = b;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            idleTimeout = d;
            return this;
        }

        public Builder requestHeaderTimeout(Duration d) {
            requestHeaderTimeout = d;
            return this;
        }

        public Builder backendTimeout(Duration d) {
            backendTimeout = d;
            return this;
        }

        public Builder maxInitialLineLength(int n) {
            maxInitialLineLength = n;
            return this;
        }

        public Builder maxHeaderSize(int n) {
            maxHeaderSize = n;
            return this;
        }

        public Builder maxRequestBodyBytes(long n) {
            maxRequestBodyBytes = n;
            return this;
        }

        public Builder backendPoolIdleTimeout(Duration d) {
            backendPoolIdleTimeout = d;
            return this;
        }

        public Builder maxIdlePerBackend(int n) {
            maxIdlePerBackend = n;
            return this;
        }

        public Builder tunnelIdleTimeout(Duration d) {
            tunnelIdleTimeout = d;
            return this;
        }

        public Builder shutdownGrace(Duration d) {
            shutdownGrace = d;
            return this;
        }

        public Builder proxyProtocolFrom(TrustedSources trusted) {
            proxyProtocolFrom = trusted;
            return this;
        }

        public Builder accessLog(boolean b) {
            accessLog = b;
            return this;
        }

        public Builder tls(TlsConfig t) {
            tls = t;
            return this;
        }

        public ProxyConfig build() {
            return new ProxyConfig(entrypoints, eventLoopThreads, nativeTransport, connectTimeout, idleTimeout,
                    requestHeaderTimeout, backendTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes,
                    backendPoolIdleTimeout, maxIdlePerBackend, tunnelIdleTimeout, shutdownGrace, proxyProtocolFrom, accessLog, tls);
        }
    }
}
