package dev.berth.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeRoleTest {
    private final TestPki.Identity ca = TestPki.ca("Berth Test CA");

    @Test
    void theSubjectOuNamesTheRole() {
        assertEquals(Optional.of(NodeRole.WORKER), NodeRole.of(TestPki.node(ca, "worker-1", "worker").cert()));
        assertEquals(Optional.of(NodeRole.PROXY), NodeRole.of(TestPki.node(ca, "proxy-1", "proxy").cert()));
        assertEquals(Optional.of(NodeRole.CONTROLLER), NodeRole.of(TestPki.node(ca, "c1", "Controller").cert()));
    }

    @Test
    void noOuOrAForeignOuMeansNoRole() {
        assertEquals(Optional.empty(), NodeRole.of(TestPki.node(ca, "node-1").cert()));
        assertEquals(Optional.empty(), NodeRole.of(TestPki.node(ca, "node-2", "engineering").cert()));
    }

    @Test
    void theRoleIsNotReadFromTheCommonName() {
        assertEquals(Optional.empty(), NodeRole.of(TestPki.node(ca, "worker").cert()));
    }

    @Test
    void printsAsTheCliSpellsIt() {
        assertEquals("proxy", NodeRole.PROXY.toString());
    }
}
