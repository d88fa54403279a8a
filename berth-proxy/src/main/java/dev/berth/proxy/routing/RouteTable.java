package dev.berth.proxy.routing;

import dev.berth.model.Protocol;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.protocol.v1.RouteUpdate;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable version of the routing table. The proxy reads whole tables through a
 * {@link RouteTableHolder}, so a connection never sees half of a delta. Lookups are hash
 * lookups; a wildcard {@code *.example.com} matches exactly one label, and an exact name
 * always wins over a wildcard. A route whose backend is null belongs to an instance that is
 * still starting: it is found like any other, and the proxy answers "starting" for it.
 *
 * <p>The table also holds the serving certificates the control plane stores for HTTPS
 * entrypoints, by name: they come down the same watch, at the same versions, and are cached on
 * disk with the routes. A change that touches no certificate keeps the same certificate map
 * object, so the certificate store can skip a rebuild by identity.
 */
public final class RouteTable {
    private static final RouteTable EMPTY = new RouteTable(0, Map.of(), Map.of());

    private final long version;
    private final Map<RouteKey, Route> routes;
    private final Map<String, ServingCertificate> certificates;
    private final Map<String, Route> httpExact = new HashMap<>();
    private final Map<String, Route> httpWildcard = new HashMap<>();
    private final Map<String, Route> tlsExact = new HashMap<>();
    private final Map<String, Route> tlsWildcard = new HashMap<>();
    private final Map<Integer, Route> tcp = new HashMap<>();

    private RouteTable(long version, Map<RouteKey, Route> routes, Map<String, ServingCertificate> certificates) {
        this.version = version;
        this.routes = Collections.unmodifiableMap(routes);
        this.certificates = certificates;
        for (Route r : routes.values()) {
            RouteKey k = r.key();
            switch (k.protocol()) {
                case HTTP -> index(k.host(), r, httpExact, httpWildcard);
                case TLS -> index(k.host(), r, tlsExact, tlsWildcard);
                case TCP -> tcp.put(k.listenPort(), r);
            }
        }
    }

    private static void index(String host, Route r, Map<String, Route> exact, Map<String, Route> wildcard) {
        if (host.startsWith("*.")) {
            wildcard.put(host.substring(2), r);
        } else {
            exact.put(host, r);
        }
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    /** A table of exactly {@code routes}, without certificates; later duplicates of a key win. Invalid routes are skipped. */
    public static RouteTable of(long version, Collection<Route> routes) {
        return of(version, routes, List.of());
    }

    /** A table of exactly {@code routes} and {@code certificates}; invalid entries are skipped. */
    public static RouteTable of(long version, Collection<Route> routes, Collection<ServingCertificate> certificates) {
        Map<RouteKey, Route> map = new LinkedHashMap<>();
        for (Route r : routes) {
            Route n = normalize(r);
            if (n != null) {
                map.put(n.key(), n);
            }
        }
        return new RouteTable(version, map, certificatesAfter(Map.of(), certificates, List.of()));
    }

    /** The table after {@code update}: a full replace when {@code update.full}, else upserts then removals. */
    public RouteTable apply(RouteUpdate update) {
        return apply(update.getVersion(), update.getFull(),
                update.getUpsertsList().stream().map(RouteProtos::toModel).toList(),
                update.getRemovalsList().stream().map(RouteProtos::toModel).toList(),
                update.getCertificateUpsertsList().stream().map(RouteProtos::toModel).toList(),
                update.getCertificateRemovalsList());
    }

    /** Routes only: certificates stay as they are, unless {@code full} (which replaces the whole table). */
    public RouteTable apply(long newVersion, boolean full, Collection<Route> upserts, Collection<RouteKey> removals) {
        return apply(newVersion, full, upserts, removals, List.of(), List.of());
    }

    public RouteTable apply(long newVersion, boolean full, Collection<Route> upserts, Collection<RouteKey> removals,
                            Collection<ServingCertificate> certificateUpserts, Collection<String> certificateRemovals) {
        if (full) {
            return of(newVersion, upserts, certificateUpserts);
        }
        Map<RouteKey, Route> map = new LinkedHashMap<>(routes);
        for (RouteKey k : removals) {
            RouteKey n = normalize(k);
            if (n != null) {
                map.remove(n);
            }
        }
        for (Route r : upserts) {
            Route n = normalize(r);
            if (n != null) {
                map.put(n.key(), n);
            }
        }
        return new RouteTable(newVersion, map, certificatesAfter(certificates, certificateUpserts, certificateRemovals));
    }

    /** {@code current} after removals then upserts; {@code current} itself when nothing changes. */
    private static Map<String, ServingCertificate> certificatesAfter(Map<String, ServingCertificate> current,
                                                                     Collection<ServingCertificate> upserts,
                                                                     Collection<String> removals) {
        if (upserts.isEmpty() && removals.isEmpty()) {
            return current;
        }
        Map<String, ServingCertificate> next = new TreeMap<>(current);
        removals.forEach(next::remove);
        for (ServingCertificate c : upserts) {
            // Only what a controller could have sent; a blank entry would break the certificate store.
            if (c != null && !c.name().isBlank() && !c.certificate().isBlank() && !c.key().isBlank()) {
                next.put(c.name(), c);
            }
        }
        return Collections.unmodifiableMap(next);
    }

    /** The route for a Host header value (port and trailing dot allowed), or {@code null}. */
    public Route findHttp(CharSequence hostHeader) {
        return find(HostNames.normalize(hostHeader), httpExact, httpWildcard);
    }

    /**
     * Like {@link #findHttp(CharSequence)} for a name already passed through
     * {@link HostNames#normalize(CharSequence)} (the proxy normalizes once per request, to validate).
     */
    public Route findHttpNormalized(String host) {
        return find(host, httpExact, httpWildcard);
    }

    /** The TLS passthrough route for an SNI name, or {@code null}. */
    public Route findTls(CharSequence sniName) {
        return find(HostNames.normalize(sniName), tlsExact, tlsWildcard);
    }

    /** The raw TCP route for a proxy listen port, or {@code null}. */
    public Route findTcp(int listenPort) {
        return tcp.get(listenPort);
    }

    private static Route find(String host, Map<String, Route> exact, Map<String, Route> wildcard) {
        if (host == null) {
            return null;
        }
        Route r = exact.get(host);
        if (r == null && !wildcard.isEmpty()) {
            String parent = HostNames.parentOf(host);
            if (parent != null) {
                r = wildcard.get(parent);
            }
        }
        return r;
    }

    public long version() {
        return version;
    }

    /** Every route, in insertion order. */
    public Collection<Route> routes() {
        return routes.values();
    }

    public Map<RouteKey, Route> asMap() {
        return routes;
    }

    /** The control plane's serving certificates for HTTPS entrypoints, by name (sorted). */
    public Map<String, ServingCertificate> certificates() {
        return certificates;
    }

    /** The TCP listen ports routes ask for. */
    public java.util.Set<Integer> tcpPorts() {
        return Collections.unmodifiableSet(tcp.keySet());
    }

    public int size() {
        return routes.size();
    }

    public List<Route> routes(Protocol protocol) {
        return routes.values().stream().filter(r -> r.key().protocol() == protocol).toList();
    }

    /** A null backend is valid (the instance is starting: the proxy answers 503); a bad one is not. */
    private static Route normalize(Route r) {
        if (r == null || (r.backend() != null && (r.backend().host() == null || r.backend().host().isBlank()
                || r.backend().port() <= 0 || r.backend().port() > 65535))) {
            return null;
        }
        RouteKey k = normalize(r.key());
        if (k == null) {
            return null;
        }
        // Only TLS routes can terminate, and HTTP routes never carry a PROXY header (their backend
        // connections are pooled across clients): such flags mean nothing and are dropped.
        boolean terminateTls = r.terminateTls() && k.protocol() == Protocol.TLS;
        ProxyProtocolVersion proxyProtocol = k.protocol() == Protocol.HTTP ? null : r.proxyProtocol();
        return k.equals(r.key()) && terminateTls == r.terminateTls() && proxyProtocol == r.proxyProtocol() ? r
                : new Route(k, r.instanceId(), r.backend(), terminateTls, proxyProtocol);
    }

    /** Keys are compared lower-case and port-less, whatever the controller sent. */
    static RouteKey normalize(RouteKey k) {
        if (k == null || k.protocol() == null) {
            return null;
        }
        if (k.protocol() == Protocol.TCP) {
            return k.listenPort() > 0 && k.listenPort() <= 65535 ? RouteKey.tcp(k.listenPort()) : null;
        }
        String host = HostNames.normalizePattern(k.host());
        if (host == null) {
            return null;
        }
        return new RouteKey(k.protocol(), host, 0);
    }

    @Override
    public String toString() {
        return "RouteTable{version=" + version + ", routes=" + routes.size() + ", certificates=" + certificates.size() + "}";
    }
}
