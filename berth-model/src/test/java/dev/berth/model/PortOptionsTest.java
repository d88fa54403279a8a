package dev.berth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.berth.model.json.BerthJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tls: terminate} and {@code proxyProtocol: v1|v2} on template ports: how they read, print and validate. */
class PortOptionsTest {
    private static final TemplateValidator VALIDATOR = new TemplateValidator(Duration.ofDays(7));

    private static Template withPorts(PortSpec... ports) {
        return new Template("chal", "berth/whoami:latest", List.of(), List.of(ports), Map.of(), Resources.DEFAULT,
                new TtlPolicy(Duration.ofMinutes(30), Duration.ofHours(2)), Readiness.DEFAULT);
    }

    @Test
    void readsFromYamlAndSurvivesARoundTrip() throws Exception {
        PortSpec p = BerthJson.yaml().readValue("name: shell\ncontainerPort: 1337\nprotocol: tcp\ntls: terminate\n", PortSpec.class);
        assertEquals(new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE), p);
        assertTrue(p.terminatesTls());
        assertEquals(p, BerthJson.json().readValue(BerthJson.json().writeValueAsString(p), PortSpec.class));
        assertEquals(p, BerthJson.yaml().readValue(BerthJson.yaml().writeValueAsString(p), PortSpec.class));
    }

    @Test
    void aPortWithoutTlsPrintsNoTlsField() throws Exception {
        PortSpec p = BerthJson.json().readValue("{\"name\":\"shell\",\"containerPort\":1337,\"protocol\":\"tcp\"}", PortSpec.class);
        assertNull(p.tls());
        assertFalse(p.terminatesTls());
        assertFalse(BerthJson.json().writeValueAsString(p).contains("tls"));
    }

    @Test
    void unknownModesAreRefusedWithTheChoices() {
        JsonMappingException e = assertThrows(JsonMappingException.class, () -> BerthJson.yaml()
                .readValue("name: shell\ncontainerPort: 1337\nprotocol: tcp\ntls: passthrough\n", PortSpec.class));
        assertTrue(e.getMessage().contains("unknown tls 'passthrough' (terminate; for passthrough use protocol: tls)"),
                e.getMessage());
    }

    @Test
    void validOnlyOnTcpPorts() {
        assertEquals(List.of(), VALIDATOR.problems(withPorts(new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE))));
        assertEquals(List.of("ports[0].tls: terminate is only for tcp ports, 'web' is http",
                        "ports[1].tls: terminate is only for tcp ports, 'sec' is tls"),
                messages(withPorts(new PortSpec("web", 8080, Protocol.HTTP, PortTls.TERMINATE),
                        new PortSpec("sec", 8443, Protocol.TLS, PortTls.TERMINATE))));
    }

    @Test
    void onlyTcpPortsTerminate() {
        assertFalse(new PortSpec("web", 8080, Protocol.HTTP, PortTls.TERMINATE).terminatesTls());
    }

    @Test
    void proxyProtocolReadsFromYamlAndSurvivesARoundTrip() throws Exception {
        PortSpec p = BerthJson.yaml().readValue("name: shell\ncontainerPort: 1337\nprotocol: tcp\nproxyProtocol: V2\n", PortSpec.class);
        assertEquals(new PortSpec("shell", 1337, Protocol.TCP, null, ProxyProtocolVersion.V2), p);
        assertTrue(BerthJson.json().writeValueAsString(p).contains("\"proxyProtocol\":\"v2\""));
        assertEquals(p, BerthJson.json().readValue(BerthJson.json().writeValueAsString(p), PortSpec.class));
        assertEquals(p, BerthJson.yaml().readValue(BerthJson.yaml().writeValueAsString(p), PortSpec.class));
    }

    @Test
    void aPortWithoutProxyProtocolPrintsNoField() throws Exception {
        PortSpec p = BerthJson.json().readValue("{\"name\":\"shell\",\"containerPort\":1337,\"protocol\":\"tcp\"}", PortSpec.class);
        assertNull(p.proxyProtocol());
        assertFalse(BerthJson.json().writeValueAsString(p).contains("proxyProtocol"));
    }

    @Test
    void unknownProxyProtocolVersionsAreRefusedWithTheChoices() {
        JsonMappingException e = assertThrows(JsonMappingException.class, () -> BerthJson.yaml()
                .readValue("name: shell\ncontainerPort: 1337\nprotocol: tcp\nproxyProtocol: v3\n", PortSpec.class));
        assertTrue(e.getMessage().contains("unknown proxyProtocol 'v3' (v1 or v2)"), e.getMessage());
    }

    @Test
    void proxyProtocolIsValidOnTcpAndTlsPortsNotHttp() {
        assertEquals(List.of(), VALIDATOR.problems(withPorts(
                new PortSpec("shell", 1337, Protocol.TCP, PortTls.TERMINATE, ProxyProtocolVersion.V1),
                new PortSpec("sec", 8443, Protocol.TLS, null, ProxyProtocolVersion.V2))));
        assertEquals(List.of("ports[0].proxyProtocol: is only for tcp and tls ports, 'web' is http (it gets X-Forwarded-For and X-Real-IP)"),
                messages(withPorts(new PortSpec("web", 8080, Protocol.HTTP, null, ProxyProtocolVersion.V1))));
    }

    @Test
    void proxyProtocolVersionsHaveTheirWireNumbers() {
        assertNull(ProxyProtocolVersion.ofNumber(0));
        assertEquals(ProxyProtocolVersion.V1, ProxyProtocolVersion.ofNumber(1));
        assertEquals(ProxyProtocolVersion.V2, ProxyProtocolVersion.ofNumber(ProxyProtocolVersion.V2.number()));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocolVersion.ofNumber(3));
    }

    private static List<String> messages(Template t) {
        return VALIDATOR.problems(t).stream().map(TemplateProblem::toString).toList();
    }
}
