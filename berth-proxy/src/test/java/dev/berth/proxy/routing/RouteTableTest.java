package dev.berth.proxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Protocol;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.protocol.v1.RouteUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    static Route http(String host, int port) {
        return new Route(RouteKey.http(host), "i-" + host, new Endpoint("127.0.0.1", port));
    }

    @Test
    void exactLookupIgnoresCasePortAndTrailingDot() {
        RouteTable t = RouteTable.of(3, List.of(http("a3f4b92c8d.berth.localhost", 1000)));
        assertEquals(3, t.version());
        assertEquals(1000, t.findHttp("a3f4b92c8d.berth.localhost").backend().port());
        assertNotNull(t.findHttp("A3F4B92C8D.Berth.LocalHost"));
        assertNotNull(t.findHttp("a3f4b92c8d.berth.localhost:8080"));
        assertNotNull(t.findHttp("a3f4b92c8d.berth.localhost."));
        assertNotNull(t.findHttp("a3f4b92c8d.berth.localhost.:80"));
        assertNull(t.findHttp("other.berth.localhost"));
        assertNull(t.findHttp("a3f4b92c8d.berth.localhost:99999"));
        assertNull(t.findHttp("a3f4b92c8d.berth.localhost:x"));
        assertNull(t.findHttp(""));
        assertNull(t.findHttp(null));
    }

    @Test
    void keysFromControllersAreNormalizedToo() {
        RouteTable t = RouteTable.of(1, List.of(http("MiXeD.Example.COM.", 1)));
        assertNotNull(t.findHttp("mixed.example.com"));
        assertEquals("mixed.example.com", t.routes().iterator().next().key().host());
    }

    @Test
    void wildcardMatchesExactlyOneLabelAndExactWins() {
        RouteTable t = RouteTable.of(1, List.of(http("*.ctf.example.com", 1), http("special.ctf.example.com", 2)));
        assertEquals(1, t.findHttp("team1.ctf.example.com").backend().port());
        assertEquals(1, t.findHttp("TEAM2.ctf.example.com:443").backend().port());
        assertEquals(2, t.findHttp("special.ctf.example.com").backend().port());
        assertNull(t.findHttp("a.b.ctf.example.com"));
        assertNull(t.findHttp("ctf.example.com"));
        // A client cannot ask for the wildcard itself.
        assertNull(t.findHttp("*.ctf.example.com"));
    }

    @Test
    void invalidKeysAndBackendsAreSkipped() {
        RouteTable t = RouteTable.of(1, List.of(
                http("bad host", 1), http("a.*.example.com", 1), http("ok.example.com", 0),
                new Route(new RouteKey(Protocol.TCP, "", 70000), "x", new Endpoint("h", 1)),
                http("fine.example.com", 5)));
        assertEquals(1, t.size());
        assertNotNull(t.findHttp("fine.example.com"));
    }

    @Test
    void tlsBySniAndTcpByPort() {
        RouteTable t = RouteTable.of(1, List.of(
                new Route(RouteKey.tls("secure.example.com"), "i1", new Endpoint("10.0.0.1", 8443)),
                new Route(RouteKey.tls("*.tls.example.com"), "i2", new Endpoint("10.0.0.2", 8443)),
                new Route(RouteKey.tcp(31337), "i3", new Endpoint("10.0.0.3", 1337)),
                http("secure.example.com", 80)));
        assertEquals("i1", t.findTls("Secure.Example.com").instanceId());
        assertEquals("i2", t.findTls("x.tls.example.com").instanceId());
        assertNull(t.findTls("nope.example.com"));
        assertEquals("i3", t.findTcp(31337).instanceId());
        assertNull(t.findTcp(31338));
        assertEquals(java.util.Set.of(31337), t.tcpPorts());
        // Same host, different protocol: different routes.
        assertEquals(80, t.findHttp("secure.example.com").backend().port());
    }

    @Test
    void deltaUpsertsAndRemovesWithoutTouchingTheOldTable() {
        RouteTable v1 = RouteTable.of(1, List.of(http("a.x", 1), http("b.x", 2)));
        RouteTable v2 = v1.apply(2, false, List.of(http("c.x", 3), http("a.x", 11)), List.of(RouteKey.http("B.X")));
        assertEquals(2, v2.version());
        assertEquals(11, v2.findHttp("a.x").backend().port());
        assertNull(v2.findHttp("b.x"));
        assertEquals(3, v2.findHttp("c.x").backend().port());
        // v1 is immutable: readers holding it still see the old world.
        assertEquals(1, v1.findHttp("a.x").backend().port());
        assertNotNull(v1.findHttp("b.x"));
    }

    @Test
    void protoUpdatesFullThenDelta() {
        RouteTable t = RouteTable.empty().apply(RouteProtos.fullUpdate(10, List.of(http("a.x", 1), http("b.x", 2))));
        assertEquals(10, t.version());
        assertEquals(2, t.size());
        RouteTable d = t.apply(RouteUpdate.newBuilder().setVersion(11)
                .addUpserts(RouteProtos.toProto(http("c.x", 3)))
                .addRemovals(RouteProtos.toProto(RouteKey.http("a.x")))
                .build());
        assertEquals(11, d.version());
        assertNull(d.findHttp("a.x"));
        assertNotNull(d.findHttp("c.x"));
        RouteTable full = d.apply(RouteProtos.fullUpdate(12, List.of(http("z.x", 9))));
        assertEquals(1, full.size());
        assertNull(full.findHttp("b.x"));
        assertNotNull(full.findHttp("z.x"));
    }

    @Test
    void unknownProtocolFromAController() {
        RouteTable t = RouteTable.empty().apply(RouteUpdate.newBuilder().setVersion(1).setFull(true)
                .addUpserts(dev.berth.protocol.v1.Route.newBuilder()
                        .setKey(dev.berth.protocol.v1.RouteKey.newBuilder().setProtocol("quic").setHost("a.x"))
                        .setBackend(dev.berth.protocol.v1.Endpoint.newBuilder().setHost("h").setPort(1)))
                .build());
        assertEquals(0, t.size());
    }

    @Test
    void startingInstancesKeepTheirRouteWithoutABackend() {
        Route starting = new Route(RouteKey.http("soon.x"), "i-soon", null);
        RouteTable t = RouteTable.of(1, List.of(starting));
        assertEquals(1, t.size());
        assertNull(t.findHttp("soon.x").backend());
        var proto = RouteProtos.toProto(starting);
        assertEquals(false, proto.hasBackend());
        assertEquals(starting, RouteProtos.toModel(proto));
        RouteTable ready = t.apply(RouteProtos.fullUpdate(2, List.of(http("soon.x", 9))));
        assertEquals(9, ready.findHttp("soon.x").backend().port());
    }

    @Test
    void certificatesComeWithFullTablesAndDeltas() {
        var ca = dev.berth.testing.TestCertificates.ca("Table CA");
        var web = dev.berth.proxy.testutil.ServingCerts.of("web", dev.berth.testing.TestCertificates.leaf(ca, "*.x"));
        var api = dev.berth.proxy.testutil.ServingCerts.of("api", dev.berth.testing.TestCertificates.leaf(ca, "api.x"));
        RouteTable full = RouteTable.empty().apply(RouteProtos.fullUpdate(10, List.of(http("a.x", 1)), List.of(web, api)));
        assertEquals(List.of("api", "web"), List.copyOf(full.certificates().keySet()), "by name");
        assertEquals(web, full.certificates().get("web"));

        RouteTable routeOnly = full.apply(RouteUpdate.newBuilder().setVersion(11).addUpserts(RouteProtos.toProto(http("b.x", 2))).build());
        assertSame(full.certificates(), routeOnly.certificates(), "a route change keeps the same certificate map");

        var renewed = dev.berth.proxy.testutil.ServingCerts.of("web", dev.berth.testing.TestCertificates.leaf(ca, "*.x"));
        RouteTable delta = routeOnly.apply(RouteUpdate.newBuilder().setVersion(12)
                .addCertificateUpserts(RouteProtos.toProto(renewed)).addCertificateRemovals("api").build());
        assertEquals(List.of("web"), List.copyOf(delta.certificates().keySet()));
        assertEquals(renewed, delta.certificates().get("web"));
        assertEquals(2, delta.size(), "routes untouched");
        assertEquals(web, routeOnly.certificates().get("web"), "the older table is immutable");

        RouteTable replaced = delta.apply(RouteProtos.fullUpdate(13, List.of(http("a.x", 1))));
        assertTrue(replaced.certificates().isEmpty(), "a full table without certificates has none");
        assertEquals(renewed, RouteProtos.toModel(RouteProtos.toProto(renewed)));
    }

    @Test
    void protoRoundTrip() {
        Route r = new Route(RouteKey.tcp(4000), "inst", new Endpoint("10.1.2.3", 32768));
        assertEquals(r, RouteProtos.toModel(RouteProtos.toProto(r)));
    }

    @Test
    void holderSwapsAndNotifies() {
        RouteTableHolder h = new RouteTableHolder();
        long[] seen = {-1};
        h.addListener(t -> seen[0] = t.version());
        RouteTable t = RouteTable.of(5, List.of());
        h.set(t);
        assertSame(t, h.current());
        assertEquals(5, seen[0]);
        h.update(x -> x.apply(6, false, List.of(http("q.x", 1)), List.of()));
        assertEquals(6, seen[0]);
    }

    @Test
    void keepsTerminationOnlyOnTlsRoutes() {
        RouteTable t = RouteTable.of(1, List.of(
                new Route(RouteKey.tls("a.x"), "i1", new Endpoint("10.0.0.5", 1337), true),
                new Route(RouteKey.http("b.x"), "i2", new Endpoint("10.0.0.5", 8080), true)));
        assertTrue(t.findTls("a.x").terminateTls());
        assertFalse(t.routes().stream().filter(r -> r.key().host().equals("b.x")).findFirst().orElseThrow().terminateTls());
    }

    @Test
    void keepsThePROXYProtocolOnTcpAndTlsRoutesOnly() {
        RouteTable t = RouteTable.of(1, List.of(
                new Route(RouteKey.tls("a.x"), "i1", new Endpoint("10.0.0.5", 1337), false, ProxyProtocolVersion.V2),
                new Route(RouteKey.tcp(31337), "i1", new Endpoint("10.0.0.5", 1337), false, ProxyProtocolVersion.V1),
                new Route(RouteKey.http("b.x"), "i2", new Endpoint("10.0.0.5", 8080), false, ProxyProtocolVersion.V1)));
        assertEquals(ProxyProtocolVersion.V2, t.findTls("a.x").proxyProtocol());
        assertEquals(ProxyProtocolVersion.V1, t.findTcp(31337).proxyProtocol());
        assertNull(t.findHttp("b.x").proxyProtocol(), "HTTP backend connections are pooled across clients");
    }
}
