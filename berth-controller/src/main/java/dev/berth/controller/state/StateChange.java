package dev.berth.controller.state;

import dev.berth.model.Instance;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import java.util.List;

/**
 * What one applied log entry changed, handed to listeners (route watches, worker streams,
 * events) on the apply thread. {@code before} null: created; {@code after} null: purged.
 * {@code reset}: the whole state was replaced by an installed snapshot, so there are no
 * per-entry changes to give; listeners start again from the full state (routes at {@code routes().version()}).
 */
public record StateChange(long index, List<InstanceChange> instances, RouteDelta routes, boolean reset) {

    public StateChange(long index, List<InstanceChange> instances, RouteDelta routes) {
        this(index, instances, routes, false);
    }

    public static StateChange reset(long index, long routeVersion) {
        return new StateChange(index, List.of(), new RouteDelta(routeVersion, List.of(), List.of()), true);
    }


    public record InstanceChange(Instance before, Instance after) {
    }

    /**
     * What proxies watch that changed at {@code version} (the log index): routes, and the serving
     * certificates of their HTTPS entrypoints (by name). Empty lists when nothing they watch changed.
     */
    public record RouteDelta(long version, List<Route> upserts, List<RouteKey> removals,
                             List<ServingCertificate> certificateUpserts, List<String> certificateRemovals) {
        public RouteDelta(long version, List<Route> upserts, List<RouteKey> removals) {
            this(version, upserts, removals, List.of(), List.of());
        }

        public boolean isEmpty() {
            return upserts.isEmpty() && removals.isEmpty() && certificateUpserts.isEmpty() && certificateRemovals.isEmpty();
        }
    }

    public boolean isEmpty() {
        return !reset && instances.isEmpty() && routes.isEmpty();
    }
}
