package dev.berth.controller.grpc;

import dev.berth.controller.state.StateChange.RouteDelta;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.RouteUpdate;
import java.util.Collection;

/** Model routes and serving certificates to their wire form. */
final class RouteMessages {
    private RouteMessages() {
    }

    /** The whole table: every route and every serving certificate, at {@code version}. */
    static RouteUpdate full(long version, Collection<Route> routes, Collection<ServingCertificate> certificates) {
        RouteUpdate.Builder b = RouteUpdate.newBuilder().setVersion(version).setFull(true);
        routes.forEach(r -> b.addUpserts(route(r)));
        certificates.forEach(c -> b.addCertificateUpserts(certificate(c)));
        return b.build();
    }

    static RouteUpdate delta(RouteDelta delta) {
        RouteUpdate.Builder b = RouteUpdate.newBuilder().setVersion(delta.version());
        delta.upserts().forEach(r -> b.addUpserts(route(r)));
        delta.removals().forEach(k -> b.addRemovals(key(k)));
        delta.certificateUpserts().forEach(c -> b.addCertificateUpserts(certificate(c)));
        b.addAllCertificateRemovals(delta.certificateRemovals());
        return b.build();
    }

    static dev.berth.protocol.v1.Route route(Route r) {
        var b = dev.berth.protocol.v1.Route.newBuilder()
                .setKey(key(r.key()))
                .setInstanceId(r.instanceId())
                .setTerminateTls(r.terminateTls());
        if (r.backend() != null) {
            b.setBackend(Endpoint.newBuilder().setHost(r.backend().host()).setPort(r.backend().port()));
        }
        return b.build();
    }

    static dev.berth.protocol.v1.RouteKey key(RouteKey k) {
        return dev.berth.protocol.v1.RouteKey.newBuilder()
                .setProtocol(k.protocol().wireName()).setHost(k.host()).setListenPort(k.listenPort()).build();
    }

    static dev.berth.protocol.v1.ServingCertificate certificate(ServingCertificate c) {
        return dev.berth.protocol.v1.ServingCertificate.newBuilder()
                .setName(c.name())
                .setCertificatePem(c.certificate())
                .setKeyPem(c.key())
                .addAllDnsNames(c.dnsNames())
                .setNotAfterMillis(c.notAfter())
                .setFingerprintSha256(c.fingerprint())
                .build();
    }
}
