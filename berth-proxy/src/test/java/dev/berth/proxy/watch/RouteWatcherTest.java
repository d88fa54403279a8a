package dev.berth.proxy.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.Await;
import dev.berth.proxy.testutil.FakeRouteService;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RouteWatcherTest {
    @TempDir
    Path dir;

    static final RouteWatcher.Options FAST = new RouteWatcher.Options("proxy-test",
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(10));

    static Route http(String host, int port) {
        return new Route(RouteKey.http(host), "i-" + host, new Endpoint("127.0.0.1", port));
    }

    static RouteUpdate delta(long version, List<Route> upserts, List<RouteKey> removals) {
        var b = RouteUpdate.newBuilder().setVersion(version);
        upserts.forEach(r -> b.addUpserts(RouteProtos.toProto(r)));
        removals.forEach(k -> b.addRemovals(RouteProtos.toProto(k)));
        return b.build();
    }

    @Test
    void fullSnapshotThenDeltasArePersisted() throws Exception {
        try (FakeRouteService svc = new FakeRouteService("ctl-" + UUID.randomUUID())) {
            svc.onWatch(req -> List.of(RouteProtos.fullUpdate(5, List.of(http("a.x", 1), http("b.x", 2)))));
            ManagedChannel ch = svc.channel();
            RouteTableHolder holder = new RouteTableHolder();
            RouteCache cache = new RouteCache(dir.resolve("routes.json"));
            try (RouteWatcher w = new RouteWatcher(List.of(ch), holder, cache, FAST)) {
                w.start();
                Await.until("full table", () -> holder.current().version() == 5);
                assertEquals(0, svc.requests.get(0).getFromVersion());
                assertEquals("proxy-test", svc.requests.get(0).getProxyId());
                svc.push(delta(6, List.of(http("c.x", 3)), List.of(RouteKey.http("a.x"))));
                svc.push(delta(7, List.of(http("b.x", 22)), List.of()));
                Await.until("deltas", () -> holder.current().version() == 7);
                RouteTable t = holder.current();
                assertNull(t.findHttp("a.x"));
                assertEquals(22, t.findHttp("b.x").backend().port());
                assertEquals(3, t.findHttp("c.x").backend().port());
                Await.until("persisted", () -> cache.load().map(RouteTable::version).orElse(0L) == 7);
                assertEquals(t.asMap(), cache.load().orElseThrow().asMap());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void certificatesArriveWithTheRoutesAndArePersisted() throws Exception {
        var ca = dev.berth.testing.TestCertificates.ca("Watch CA");
        var wildcard = dev.berth.proxy.testutil.ServingCerts.of("wildcard", dev.berth.testing.TestCertificates.leaf(ca, "*.x"));
        var exact = dev.berth.proxy.testutil.ServingCerts.of("exact", dev.berth.testing.TestCertificates.leaf(ca, "a.x"));
        try (FakeRouteService svc = new FakeRouteService("ctl-" + UUID.randomUUID())) {
            svc.onWatch(req -> List.of(RouteProtos.fullUpdate(5, List.of(http("a.x", 1)), List.of(wildcard))));
            ManagedChannel ch = svc.channel();
            RouteTableHolder holder = new RouteTableHolder();
            RouteCache cache = new RouteCache(dir.resolve("routes.json"));
            try (RouteWatcher w = new RouteWatcher(List.of(ch), holder, cache, FAST)) {
                w.start();
                Await.until("full table", () -> holder.current().version() == 5);
                assertEquals(java.util.Map.of("wildcard", wildcard), holder.current().certificates());
                svc.push(RouteUpdate.newBuilder().setVersion(6).addCertificateUpserts(RouteProtos.toProto(exact)).build());
                svc.push(RouteUpdate.newBuilder().setVersion(7).addCertificateRemovals("wildcard").build());
                Await.until("deltas", () -> holder.current().version() == 7);
                assertEquals(java.util.Map.of("exact", exact), holder.current().certificates());
                assertNotNull(holder.current().findHttp("a.x"), "routes untouched by certificate deltas");
                Await.until("persisted", () -> cache.load().map(RouteTable::version).orElse(0L) == 7);
                assertEquals(java.util.Map.of("exact", exact), cache.load().orElseThrow().certificates());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void reconnectFailsOverAndResumesFromItsVersion() throws Exception {
        try (FakeRouteService a = new FakeRouteService("ctl-a-" + UUID.randomUUID());
             FakeRouteService b = new FakeRouteService("ctl-b-" + UUID.randomUUID())) {
            a.onWatch(req -> List.of(RouteProtos.fullUpdate(10, List.of(http("a.x", 1)))));
            // Controller b still retains deltas after 10, so it resumes instead of resending the world.
            b.onWatch(req -> req.getFromVersion() == 10
                    ? List.of(delta(11, List.of(http("n.x", 5)), List.of()))
                    : List.of());
            ManagedChannel cha = a.channel();
            ManagedChannel chb = b.channel();
            RouteTableHolder holder = new RouteTableHolder();
            try (RouteWatcher w = new RouteWatcher(List.of(cha, chb), holder, null, FAST)) {
                w.start();
                Await.until("snapshot from a", () -> holder.current().version() == 10);
                a.fail();
                Await.until("resumed on b", () -> holder.current().version() == 11);
                assertEquals(10, b.requests.get(0).getFromVersion());
                assertNotNull(holder.current().findHttp("a.x"), "the delta is applied on top of what it had");
                assertNotNull(holder.current().findHttp("n.x"));
                // b dies too, a refuses: the table is kept while it round-robins.
                a.close();
                b.fail();
                Await.until("retried b", () -> b.requests.size() >= 2);
                assertEquals(11, b.requests.get(1).getFromVersion());
                assertEquals(11, holder.current().version());
                assertNotNull(holder.current().findHttp("a.x"));
            } finally {
                cha.shutdownNow();
                chb.shutdownNow();
            }
        }
    }

    @Test
    void staleDeltasAfterAResumeAreIgnored() throws Exception {
        try (FakeRouteService svc = new FakeRouteService("ctl-" + UUID.randomUUID())) {
            svc.onWatch(req -> List.of(RouteProtos.fullUpdate(5, List.of(http("a.x", 1)))));
            ManagedChannel ch = svc.channel();
            RouteTableHolder holder = new RouteTableHolder();
            try (RouteWatcher w = new RouteWatcher(List.of(ch), holder, null, FAST)) {
                w.start();
                Await.until("full", () -> holder.current().version() == 5);
                svc.push(delta(4, List.of(), List.of(RouteKey.http("a.x"))));
                svc.push(delta(6, List.of(http("b.x", 2)), List.of()));
                Await.until("v6", () -> holder.current().version() == 6);
                assertNotNull(holder.current().findHttp("a.x"));
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void anOlderFullTableFromALaggingControllerDoesNotRollTheTableBack() throws Exception {
        try (FakeRouteService ahead = new FakeRouteService("ctl-ahead-" + UUID.randomUUID());
             FakeRouteService behind = new FakeRouteService("ctl-behind-" + UUID.randomUUID())) {
            ahead.onWatch(req -> List.of(RouteProtos.fullUpdate(41, List.of(http("old.x", 1), http("new.x", 2)))));
            // A controller restarted from an older snapshot has not applied index 41 yet: it answers with its table at 17.
            behind.onWatch(req -> List.of(RouteProtos.fullUpdate(17, List.of(http("old.x", 1)))));
            ManagedChannel cha = ahead.channel();
            ManagedChannel chb = behind.channel();
            RouteTableHolder holder = new RouteTableHolder();
            try (RouteWatcher w = new RouteWatcher(List.of(cha, chb), holder, null, FAST)) {
                w.start();
                Await.until("table from the controller ahead", () -> holder.current().version() == 41);
                ahead.fail();
                Await.until("watching the lagging controller", () -> behind.requests.size() == 1);
                Await.until("its full table received", w::isStreaming);
                Thread.sleep(100);
                assertEquals(41, holder.current().version(), "the newer table is kept");
                assertNotNull(holder.current().findHttp("new.x"));
                // As it catches up, its deltas after 41 apply on top; those up to 41 are already in.
                behind.push(delta(40, List.of(), List.of(RouteKey.http("new.x"))));
                behind.push(delta(42, List.of(http("later.x", 3)), List.of()));
                Await.until("v42", () -> holder.current().version() == 42);
                assertNotNull(holder.current().findHttp("new.x"));
                assertNotNull(holder.current().findHttp("later.x"));
            } finally {
                cha.shutdownNow();
                chb.shutdownNow();
            }
        }
    }
}
