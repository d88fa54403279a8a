package dev.berth.controller.state;

import dev.berth.model.Instance;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import java.util.List;

/**
 * What one applied log entry changed, handed to listeners (route watches, worker streams,
 * events) on the apply thread. {@code before} null: created; {@code after} null: purged.
 */
public record StateChange(long index, List<InstanceChange> instances, RouteDelta routes) {

    public record InstanceChange(Instance before, Instance after) {
    }

    /** Route changes made at {@code version} (the log index); empty lists when routes did not change. */
    public record RouteDelta(long version, List<Route> upserts, List<RouteKey> removals) {
        public boolean isEmpty() {
            return upserts.isEmpty() && removals.isEmpty();
        }
    }

    public boolean isEmpty() {
        return instances.isEmpty() && routes.isEmpty();
    }
}
