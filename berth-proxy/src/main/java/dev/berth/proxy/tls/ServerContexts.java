package dev.berth.proxy.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Builds the server SslContext of one HTTPS certificate, whichever source it comes from (files or
 * the control plane), so every certificate is served with the same protocols, suites and ALPN.
 */
final class ServerContexts {
    /**
     * BoringSSL (netty-tcnative) when its native library loads and can do ALPN, else the JDK's
     * engine. Same protocols, suites and ALPN either way; BoringSSL costs about half the CPU per
     * TLS request and a tenth per handshake.
     */
    static final SslProvider PROVIDER = SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;

    private final List<String> protocols;

    /** @param http2 offer h2 by ALPN (else only http/1.1) */
    ServerContexts(boolean http2) {
        this.protocols = http2
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    /**
     * The two contexts of one certificate: {@code https} offers the HTTP protocols by ALPN;
     * {@code tcp} (TLS in front of a plain-TCP instance) offers none, since only the instance
     * knows what it speaks and a client that asked for h2 must not be told it got it.
     */
    record Pair(SslContext https, SslContext tcp) {
    }

    /** From a chain and key already read and checked (ServingCertificates). */
    Pair from(List<X509Certificate> chain, PrivateKey key) throws SSLException {
        X509Certificate[] certs = chain.toArray(X509Certificate[]::new);
        return new Pair(configure(SslContextBuilder.forServer(key, certs), true).build(),
                configure(SslContextBuilder.forServer(key, certs), false).build());
    }

    private SslContextBuilder configure(SslContextBuilder b, boolean alpn) {
        b.sslProvider(PROVIDER)
                .protocols("TLSv1.3", "TLSv1.2")
                // h2 forbids the older suites (RFC 7540 9.2.2); modern HTTP/1.1 clients have these too.
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (alpn) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    protocols));
        }
        return b;
    }
}
