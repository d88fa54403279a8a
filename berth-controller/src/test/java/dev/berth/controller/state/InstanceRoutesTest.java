package dev.berth.controller.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.Endpoint;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.PortSpec;
import dev.berth.model.PortTls;
import dev.berth.model.Protocol;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceRoutesTest {
    private static final Endpoint SHELL = new Endpoint("10.0.0.5", 32768);
    private static final Endpoint SECOND = new Endpoint("10.0.0.5", 32769);
    private static final Endpoint WEB = new Endpoint("10.0.0.5", 32770);

    private static Instance ready(List<PortSpec> ports, Map<String, Integer> tcpPorts, Map<String, Endpoint> endpoints) {
        return new Instance("a3f4b92c8d", "chal", "team", "a3f4b92c8d.ctf.example.com", "w1", InstanceState.READY, "",
                0, 1, 2, 0, ports, tcpPorts, Map.of(), endpoints, List.of());
    }

    @Test
    void terminatedTcpPortGetsATerminatingTlsRouteAndKeepsItsTcpPort() {
        Instance i = ready(List.of(new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE)),
                Map.of("shell", 31337), Map.of("shell", SHELL));
        assertEquals(List.of(
                        new Route(RouteKey.tcp(31337), "a3f4b92c8d", SHELL, false),
                        new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "a3f4b92c8d", SHELL, true)),
                InstanceRoutes.of(i));
    }

    @Test
    void withoutATcpRangeOnlyTheTlsRouteRemains() {
        Instance i = ready(List.of(new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE)),
                Map.of(), Map.of("shell", SHELL));
        assertEquals(List.of(new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "a3f4b92c8d", SHELL, true)),
                InstanceRoutes.of(i));
    }

    @Test
    void furtherSniNamesFollowThePortNameRuleSharedWithTlsPorts() {
        Instance i = ready(List.of(
                        new PortSpec("web", 8080, Protocol.HTTP),
                        new PortSpec("secure", 8443, Protocol.TLS),
                        new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE),
                        new PortSpec("plain", 4000, Protocol.TCP)),
                Map.of(), Map.of("web", WEB, "secure", SECOND, "shell", SHELL, "plain", SECOND));
        assertEquals(List.of(
                        new Route(RouteKey.http("a3f4b92c8d.ctf.example.com"), "a3f4b92c8d", WEB),
                        new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "a3f4b92c8d", SECOND, false),
                        new Route(RouteKey.tls("a3f4b92c8d-shell.ctf.example.com"), "a3f4b92c8d", SHELL, true)),
                InstanceRoutes.of(i));
    }

    @Test
    void plainTcpPortsGetNoTlsRoute() {
        Instance i = ready(List.of(new PortSpec("shell", 1337, Protocol.TCP)), Map.of("shell", 31337), Map.of("shell", SHELL));
        assertEquals(List.of(new Route(RouteKey.tcp(31337), "a3f4b92c8d", SHELL)), InstanceRoutes.of(i));
    }

    @Test
    void aPortsProxyProtocolGoesWithEachOfItsRoutes() {
        Instance i = ready(List.of(
                        new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE, ProxyProtocolVersion.V2),
                        new PortSpec("secure", 8443, Protocol.TLS, null, ProxyProtocolVersion.V1),
                        new PortSpec("plain", 4000, Protocol.TCP)),
                Map.of("shell", 31337, "plain", 31338), Map.of("shell", SHELL, "secure", SECOND, "plain", WEB));
        assertEquals(List.of(
                        new Route(RouteKey.tcp(31337), "a3f4b92c8d", SHELL, false, ProxyProtocolVersion.V2),
                        new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "a3f4b92c8d", SHELL, true, ProxyProtocolVersion.V2),
                        new Route(RouteKey.tls("a3f4b92c8d-secure.ctf.example.com"), "a3f4b92c8d", SECOND, false,
                                ProxyProtocolVersion.V1),
                        new Route(RouteKey.tcp(31338), "a3f4b92c8d", WEB)),
                InstanceRoutes.of(i));
    }
}
