package dev.berth.controller.grpc;

import dev.berth.controller.state.StateChange.RouteDelta;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.RouteUpdate;
import java.util.Collection;

/** Model routes to their wire form. */
final class RouteMessages {
    private RouteMessages() {
    }

    static RouteUpdate full(long version, Collection<Route> routes) {
        RouteUpdate.Builder b = RouteUpdate.newBuilder().setVersion(version).setFull(true);
        routes.forEach(r -> b.addUpserts(route(r)));
        return b.build();
    }

    static RouteUpdate delta(RouteDelta delta) {
        RouteUpdate.Builder b = RouteUpdate.newBuilder().setVersion(delta.version());
        delta.upserts().forEach(r -> b.addUpserts(route(r)));
        delta.removals().forEach(k -> b.addRemovals(key(k)));
        return b.build();
    }

    static dev.berth.protocol.v1.Route route(Route r) {
        var b = dev.berth.protocol.v1.Route.newBuilder()
                .setKey(key(r.key()))
                .setInstanceId(r.instanceId());
        if (r.backend() != null) {
            b.setBackend(Endpoint.newBuilder().setHost(r.backend().host()).setPort(r.backend().port()));
        }
        return b.build();
    }

    static dev.berth.protocol.v1.RouteKey key(RouteKey k) {
        return dev.berth.protocol.v1.RouteKey.newBuilder()
                .setProtocol(k.protocol().wireName()).setHost(k.host()).setListenPort(k.listenPort()).build();
    }
}
