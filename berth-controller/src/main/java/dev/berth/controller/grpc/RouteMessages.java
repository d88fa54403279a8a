package dev.berth.controller.grpc;

import dev.berth.controller.state.StateChange.RouteDelta;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.protocol.v1.RouteUpdate;

/** A route delta of the state to its wire form (full tables: {@link RouteProtos#fullUpdate}). */
final class RouteMessages {
    private RouteMessages() {
    }

    static RouteUpdate delta(RouteDelta delta) {
        RouteUpdate.Builder b = RouteUpdate.newBuilder().setVersion(delta.version());
        delta.upserts().forEach(r -> b.addUpserts(RouteProtos.toProto(r)));
        delta.removals().forEach(k -> b.addRemovals(RouteProtos.toProto(k)));
        delta.certificateUpserts().forEach(c -> b.addCertificateUpserts(RouteProtos.toProto(c)));
        b.addAllCertificateRemovals(delta.certificateRemovals());
        return b.build();
    }
}
