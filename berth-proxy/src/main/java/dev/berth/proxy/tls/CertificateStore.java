package dev.berth.proxy.tls;

import dev.berth.model.certs.ServingCertificate;
import dev.berth.proxy.http.TlsConfig;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates HTTPS entrypoints serve, by SNI: the union of the {@code --https-cert} PEM
 * files and the certificates the control plane stores ({@code berth tls put}), which arrive with
 * the route table. {@link SniCertificates} says which one a name gets; a file certificate wins a
 * name both sources claim.
 *
 * <p>Both sources change while the proxy runs: the files are polled (hot reload) and the route
 * table is watched. Each change builds a complete new {@link SniCertificates} and swaps it in with
 * one volatile write, so a handshake reads either the old set or the new one, and established
 * connections keep the context they started with: nothing is dropped. A file set that does not
 * load completely is refused and the previous one kept, so a half-copied file never takes HTTPS down.
 */
public final class CertificateStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

    private final TlsConfig config;
    private final FileCertificates files;
    private final ControlPlaneCertificates controlPlane;
    private final RouteTableHolder routes;
    private final Consumer<RouteTable> onTable = table -> refreshControlPlane();

    // Guarded by this.
    private FileCertificates.Loaded fileSet;
    private List<ServedCertificate> controlPlaneSet = List.of();
    /** The route table's certificate map the control-plane set was built from; the table keeps it while certificates do not change. */
    private Map<String, ServingCertificate> builtFrom;
    private ScheduledExecutorService reloader;
    private volatile ExecutorService handshakes;

    private volatile SniCertificates current = SniCertificates.NONE;

    /** File certificates only. */
    public CertificateStore(TlsConfig config) throws IOException, CertificateException {
        this(config, null);
    }

    /**
     * Loads every file pair now (fails, and startup should stop, if any cannot be used), then serves
     * the control plane's certificates from {@code routes} as the table changes.
     *
     * @param routes the route table whose certificates to serve too; {@code null}: files only
     */
    public CertificateStore(TlsConfig config, RouteTableHolder routes) throws IOException, CertificateException {
        ServerContexts contexts = new ServerContexts(config.enableHttp2());
        this.config = config;
        this.files = new FileCertificates(config.certificates(), contexts);
        this.controlPlane = new ControlPlaneCertificates(contexts);
        this.routes = routes;
        synchronized (this) {
            fileSet = files.load();
            fileSet.certificates().forEach(c -> log.info("TLS certificate {} serves {}", c.source(), c.names()));
            install();
        }
        if (routes != null) {
            routes.addListener(onTable);
            refreshControlPlane();
        }
        if (files.isEmpty()) {
            log.info("HTTPS has no certificate files: it serves the certificates the control plane stores (berth tls put)");
        }
        log.info("TLS engine: {}", ServerContexts.PROVIDER == SslProvider.OPENSSL ? "BoringSSL (netty-tcnative)" : "JDK");
    }

    /** Starts polling the files every {@code reloadInterval} (if non-zero and there are files). */
    public synchronized void startReloading() {
        long every = config.reloadInterval().toMillis();
        if (every <= 0 || reloader != null || files.isEmpty()) {
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
    public Executor handshakeExecutor() {
        ExecutorService e = handshakes;
        if (e == null) {
            synchronized (this) {
                e = handshakes;
                if (e == null) {
                    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
                    AtomicInteger n = new AtomicInteger();
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

    /**
     * The SslContext for an SNI name ({@code null}: none sent), from the latest complete set;
     * {@code null} when no certificate covers it and there is no default (no certificate at all).
     */
    public SslContext contextFor(String hostname) {
        ServedCertificate c = current.select(hostname);
        return c == null ? null : c.context();
    }

    /** The same certificate as {@link #contextFor}, without ALPN: for TLS in front of a plain-TCP instance. */
    public SslContext tcpContextFor(String hostname) {
        ServedCertificate c = current.select(hostname);
        return c == null ? null : c.tcpContext();
    }

    /** Reloads the files if any changed; returns true when a new set was installed. */
    public synchronized boolean reloadIfChanged() {
        try {
            if (!files.changedSince(fileSet)) {
                return false;
            }
        } catch (IOException e) {
            log.warn("cannot stat certificate files: {}", e.toString());
            return false;
        }
        try {
            fileSet = files.load();
            install();
            log.info("reloaded TLS certificate files: {}", fileSet.certificates().stream().map(ServedCertificate::names).toList());
            return true;
        } catch (IOException | CertificateException | RuntimeException e) {
            log.warn("keeping the previous TLS certificates, new files do not load: {}", e.toString());
            return false;
        }
    }

    /** Rebuilds the control-plane part when the route table's certificates changed (read under the lock, so never a stale table). */
    private synchronized void refreshControlPlane() {
        Map<String, ServingCertificate> now = routes.current().certificates();
        if (now == builtFrom) {
            return; // a route change: same certificates, nothing to rebuild
        }
        builtFrom = now;
        controlPlaneSet = controlPlane.update(now);
        install();
    }

    /** Swaps in the union of both sources (holding the lock). */
    private void install() {
        List<ServedCertificate> fromFiles = fileSet.certificates();
        ServedCertificate fallback = fromFiles.isEmpty() ? controlPlane.firstByName() : fromFiles.get(0);
        current = SniCertificates.of(controlPlaneSet, fromFiles, fallback);
    }

    @Override
    public synchronized void close() {
        if (routes != null) {
            routes.removeListener(onTable);
        }
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
