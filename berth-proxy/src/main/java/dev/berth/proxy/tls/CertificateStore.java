package dev.berth.proxy.tls;

import dev.berth.proxy.http.TlsConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server certificates by name, for SNI. Each PEM pair serves the DNS names in its certificate
 * (subject alternative names, else the CN; {@code *.example.com} covers one label); the first
 * pair is the default for clients without SNI or with an unknown name.
 *
 * <p>Hot reload: the files are polled, and a complete new mapping replaces the old one only if
 * every pair loads, so a half-copied file never takes HTTPS down. Handshakes in progress and
 * established connections keep the context they started with.
 */
public final class CertificateStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

    private record Loaded(Mapping<String, SslContext> mapping, List<Set<String>> names, List<FileTime> stamps) {
    }

    /**
     * BoringSSL (netty-tcnative) when its native library loads and can do ALPN, else the JDK's
     * engine. Same protocols, suites and ALPN either way; BoringSSL costs about half the CPU per
     * TLS request and a tenth per handshake.
     */
    static final SslProvider PROVIDER = SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;

    private final TlsConfig config;
    private volatile Loaded current;
    private ScheduledExecutorService reloader;
    private volatile java.util.concurrent.ExecutorService handshakes;

    /** Loads every pair now; fails (startup should stop) if any cannot be used. */
    public CertificateStore(TlsConfig config) throws IOException, CertificateException {
        this.config = config;
        this.current = load();
        for (int i = 0; i < config.certificates().size(); i++) {
            log.info("TLS certificate {} serves {}", config.certificates().get(i).certChain(), current.names().get(i));
        }
        log.info("TLS engine: {}", PROVIDER == SslProvider.OPENSSL ? "BoringSSL (netty-tcnative)" : "JDK");
    }

    /** Starts polling the files every {@code reloadInterval} (if non-zero). */
    public synchronized void startReloading() {
        long every = config.reloadInterval().toMillis();
        if (every <= 0 || reloader != null) {
            return;
        }
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-cert-reload");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Where the expensive steps of TLS handshakes run (the engine's delegated tasks: key exchange,
     * signature): a small pool of its own, so a burst of new connections does not stall the event
     * loops serving established ones (a JDK handshake costs about a millisecond of CPU).
     */
    public java.util.concurrent.Executor handshakeExecutor() {
        java.util.concurrent.ExecutorService e = handshakes;
        if (e == null) {
            synchronized (this) {
                e = handshakes;
                if (e == null) {
                    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
                    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
                    e = Executors.newFixedThreadPool(threads, r -> {
                        Thread t = new Thread(r, "berth-tls-handshake-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    handshakes = e;
                }
            }
        }
        return e;
    }

    /** The SslContext for an SNI name ({@code null}: the default). Always the latest loaded set. */
    public SslContext contextFor(String hostname) {
        return current.mapping().map(hostname == null ? "" : hostname.toLowerCase(Locale.ROOT));
    }

    /** Names each configured pair serves, in configuration order. */
    public List<Set<String>> names() {
        return current.names();
    }

    /** Reloads if any file changed; returns true when a new set was installed. */
    public synchronized boolean reloadIfChanged() {
        List<FileTime> stamps;
        try {
            stamps = stamps();
        } catch (IOException e) {
            log.warn("cannot stat certificate files: {}", e.toString());
            return false;
        }
        if (stamps.equals(current.stamps())) {
            return false;
        }
        try {
            Loaded next = load();
            current = next;
            log.info("reloaded TLS certificates: {}", next.names());
            return true;
        } catch (IOException | CertificateException | RuntimeException e) {
            log.warn("keeping the previous TLS certificates, new files do not load: {}", e.toString());
            return false;
        }
    }

    private List<FileTime> stamps() throws IOException {
        List<FileTime> s = new ArrayList<>();
        for (TlsConfig.CertificateFiles f : config.certificates()) {
            s.add(Files.getLastModifiedTime(f.certChain()));
            s.add(Files.getLastModifiedTime(f.privateKey()));
        }
        return s;
    }

    private Loaded load() throws IOException, CertificateException {
        List<FileTime> stamps = stamps();
        DomainWildcardMappingBuilder<SslContext> builder = null;
        List<Set<String>> allNames = new ArrayList<>();
        for (TlsConfig.CertificateFiles f : config.certificates()) {
            SslContext ctx = build(f);
            Set<String> names = dnsNames(f.certChain());
            allNames.add(names);
            if (builder == null) {
                builder = new DomainWildcardMappingBuilder<>(ctx);
            }
            for (String n : names) {
                builder.add(n, ctx);
            }
        }
        return new Loaded(builder.build(), List.copyOf(allNames), stamps);
    }

    private SslContext build(TlsConfig.CertificateFiles f) throws IOException {
        List<String> protocols = config.enableHttp2()
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        try (InputStream cert = Files.newInputStream(f.certChain()); InputStream key = Files.newInputStream(f.privateKey())) {
            return SslContextBuilder.forServer(cert, key)
                    .sslProvider(PROVIDER)
                    .protocols("TLSv1.3", "TLSv1.2")
                    // h2 forbids the older suites (RFC 7540 9.2.2); modern HTTP/1.1 clients have these too.
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            protocols))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot use " + f.certChain() + " / " + f.privateKey() + ": " + e.getMessage(), e);
        }
    }

    /** DNS names a certificate is valid for: its DNS SANs, or its CN when it has none. */
    static Set<String> dnsNames(Path certChain) throws IOException, CertificateException {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(certChain)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(in).iterator().next();
        } catch (java.util.NoSuchElementException e) {
            throw new CertificateException("no certificate in " + certChain);
        }
        Set<String> names = new LinkedHashSet<>();
        if (leaf.getSubjectAlternativeNames() != null) {
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                throw new CertificateException("unreadable subject in " + certChain, e);
            }
        }
        return names;
    }

    @Override
    public synchronized void close() {
        if (reloader != null) {
            reloader.shutdownNow();
            reloader = null;
        }
        if (handshakes != null) {
            handshakes.shutdownNow();
            handshakes = null;
        }
    }
}
