package dev.berth.protocol.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
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
}
