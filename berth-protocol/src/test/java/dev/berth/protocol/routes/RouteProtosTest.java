package dev.berth.protocol.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import org.junit.jupiter.api.Test;

class RouteProtosTest {
    @Test
    void terminateTlsCrossesTheWire() {
        Route terminated = new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "i1", new Endpoint("10.0.0.5", 1337), true);
        Route passthrough = new Route(RouteKey.tls("s.ctf.example.com"), "i2", new Endpoint("10.0.0.5", 8443));
        assertTrue(RouteProtos.toProto(terminated).getTerminateTls());
        assertEquals(terminated, RouteProtos.toModel(RouteProtos.toProto(terminated)));
        assertEquals(passthrough, RouteProtos.toModel(RouteProtos.toProto(passthrough)));
    }

    @Test
    void proxyProtocolCrossesTheWireAndAnUnknownVersionDropsTheRoute() {
        Route tcp = new Route(RouteKey.tcp(31337), "i1", new Endpoint("10.0.0.5", 1337), false, ProxyProtocolVersion.V2);
        Route sni = new Route(RouteKey.tls("a.ctf.example.com"), "i1", new Endpoint("10.0.0.5", 1337), true, ProxyProtocolVersion.V1);
        assertEquals(2, RouteProtos.toProto(tcp).getProxyProtocol());
        assertEquals(tcp, RouteProtos.toModel(RouteProtos.toProto(tcp)));
        assertEquals(sni, RouteProtos.toModel(RouteProtos.toProto(sni)));
        assertEquals(0, RouteProtos.toProto(new Route(RouteKey.tcp(1), "i", new Endpoint("h", 1))).getProxyProtocol());
        // A newer controller's version 3: skipped like an unknown protocol, never served without its header.
        Route fromNewer = RouteProtos.toModel(RouteProtos.toProto(tcp).toBuilder().setProxyProtocol(3).build());
        assertNull(fromNewer.key());
    }
}
