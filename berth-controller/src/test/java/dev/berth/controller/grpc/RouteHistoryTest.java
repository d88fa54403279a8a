package dev.berth.controller.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.controller.state.StateChange;
import dev.berth.controller.state.StateChange.RouteDelta;
import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.certs.ServingCertificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteHistoryTest {
    private static StateChange route(long version) {
        Route r = new Route(RouteKey.http("h" + version + ".berth.localhost"), "i" + version, new Endpoint("127.0.0.1", 1000));
        return new StateChange(version, List.of(), new RouteDelta(version, List.of(r), List.of()));
    }

    /** A delta carrying one certificate whose PEM weighs {@code bytes}. */
    private static StateChange certificate(long version, int bytes) {
        ServingCertificate c = new ServingCertificate("c" + version, "x".repeat(bytes / 2), "k".repeat(bytes / 2),
                List.of("a.example.com"), 0, "AB");
        return new StateChange(version, List.of(), new RouteDelta(version, List.of(), List.of(), List.of(c), List.of()));
    }

    private static List<Long> versions(List<RouteDelta> deltas) {
        return deltas.stream().map(RouteDelta::version).toList();
    }

    @Test
    void givesWhatCameAfterTheCallersVersion() {
        RouteHistory h = new RouteHistory(10, 0);
        for (long v = 1; v <= 5; v++) {
            h.accept(route(v));
        }
        assertEquals(List.of(4L, 5L), versions(h.since(3).orElseThrow()));
        assertEquals(List.of(), versions(h.since(5).orElseThrow()));
    }

    @Test
    void forgetsBeyondItsCapacity() {
        RouteHistory h = new RouteHistory(3, 0);
        for (long v = 1; v <= 5; v++) {
            h.accept(route(v));
        }
        assertTrue(h.since(1).isEmpty(), "deltas 2 and earlier were dropped: a full table instead");
        assertEquals(List.of(3L, 4L, 5L), versions(h.since(2).orElseThrow()));
    }

    @Test
    void certificatesCountAgainstAByteBudget() {
        RouteHistory h = new RouteHistory(4096, 0);
        int mib = 1 << 20;
        for (long v = 1; v <= 6; v++) {
            h.accept(certificate(v, mib));
        }
        // 6 MiB of PEM against a 4 MiB budget: only the newest four deltas stay.
        assertTrue(h.since(1).isEmpty());
        assertEquals(List.of(3L, 4L, 5L, 6L), versions(h.since(2).orElseThrow()));
        h.accept(route(7)); // routes weigh nothing against the budget
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), versions(h.since(2).orElseThrow()));
    }

    @Test
    void aSnapshotInstallStartsAfresh() {
        RouteHistory h = new RouteHistory(10, 0);
        h.accept(route(1));
        h.accept(StateChange.reset(50, 50));
        assertTrue(h.since(1).isEmpty());
        assertEquals(List.of(), versions(h.since(50).orElseThrow()));
    }
}
