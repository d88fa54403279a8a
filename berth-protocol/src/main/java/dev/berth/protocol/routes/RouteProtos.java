package dev.berth.protocol.routes;

import dev.berth.model.Endpoint;
import dev.berth.model.Protocol;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import java.util.Collection;
import java.util.List;

/**
 * Conversions between the wire ({@code berth.v1}) and model types of the route table: routes and
 * serving certificates. Controllers write them, proxies read them; one mapping serves both sides.
 */
public final class RouteProtos {
    private RouteProtos() {
    }

    /**
     * An unset backend means the instance is still starting: the model route gets a null backend.
     * A PROXY protocol version this proxy does not know (from a newer controller) gives a null key,
     * as an unknown protocol does: the route is skipped rather than served without the header.
     */
    public static Route toModel(dev.berth.protocol.v1.Route p) {
        ProxyProtocolVersion proxyProtocol;
        RouteKey key = toModel(p.getKey());
        try {
            proxyProtocol = ProxyProtocolVersion.ofNumber(p.getProxyProtocol());
        } catch (IllegalArgumentException e) {
            proxyProtocol = null;
            key = null;
        }
        return new Route(key, p.getInstanceId(),
                p.hasBackend() ? new Endpoint(p.getBackend().getHost(), p.getBackend().getPort()) : null,
                p.getTerminateTls(), proxyProtocol);
    }

    /** Unknown protocols (from a newer controller) map to {@code null} keys, for the caller to skip. */
    public static RouteKey toModel(dev.berth.protocol.v1.RouteKey p) {
        Protocol protocol;
        try {
            protocol = Protocol.parse(p.getProtocol());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new RouteKey(protocol, p.getHost(), p.getListenPort());
    }

    public static dev.berth.protocol.v1.Route toProto(Route r) {
        var b = dev.berth.protocol.v1.Route.newBuilder()
                .setKey(toProto(r.key()))
                .setInstanceId(r.instanceId() == null ? "" : r.instanceId())
                .setTerminateTls(r.terminateTls())
                .setProxyProtocol(r.proxyProtocol() == null ? 0 : r.proxyProtocol().number());
        if (r.backend() != null) {
            b.setBackend(dev.berth.protocol.v1.Endpoint.newBuilder().setHost(r.backend().host()).setPort(r.backend().port()));
        }
        return b.build();
    }

    public static dev.berth.protocol.v1.RouteKey toProto(RouteKey k) {
        return dev.berth.protocol.v1.RouteKey.newBuilder()
                .setProtocol(k.protocol().wireName())
                .setHost(k.host() == null ? "" : k.host())
                .setListenPort(k.listenPort())
                .build();
    }

    public static ServingCertificate toModel(dev.berth.protocol.v1.ServingCertificate p) {
        return new ServingCertificate(p.getName(), p.getCertificatePem(), p.getKeyPem(), p.getDnsNamesList(),
                p.getNotAfterMillis(), p.getFingerprintSha256());
    }

    public static dev.berth.protocol.v1.ServingCertificate toProto(ServingCertificate c) {
        return dev.berth.protocol.v1.ServingCertificate.newBuilder()
                .setName(c.name())
                .setCertificatePem(c.certificate())
                .setKeyPem(c.key())
                .addAllDnsNames(c.dnsNames())
                .setNotAfterMillis(c.notAfter())
                .setFingerprintSha256(c.fingerprint())
                .build();
    }

    /** A full-snapshot update carrying {@code routes} and no certificates. */
    public static dev.berth.protocol.v1.RouteUpdate fullUpdate(long version, Collection<Route> routes) {
        return fullUpdate(version, routes, List.of());
    }

    /** A full-snapshot update carrying {@code routes} and {@code certificates}. */
    public static dev.berth.protocol.v1.RouteUpdate fullUpdate(long version, Collection<Route> routes,
                                                               Collection<ServingCertificate> certificates) {
        var b = dev.berth.protocol.v1.RouteUpdate.newBuilder().setVersion(version).setFull(true);
        routes.forEach(r -> b.addUpserts(toProto(r)));
        certificates.forEach(c -> b.addCertificateUpserts(toProto(c)));
        return b.build();
    }
}
