package dev.berth.worker.testing;

import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.PortSpec;
import dev.berth.protocol.v1.Readiness;
import dev.berth.protocol.v1.Resources;

/** Assignments for tests. */
public final class Assignments {
    public static final String WHOAMI = "berth/whoami:latest";

    private Assignments() {
    }

    /** The example image with port {@code web} 8080, ready when GET / answers. */
    public static Assignment whoami(String instanceId) {
        return Assignment.newBuilder()
                .setInstanceId(instanceId)
                .setTemplate("whoami")
                .setImage(WHOAMI)
                .addPorts(PortSpec.newBuilder().setName("web").setContainerPort(8080).setProtocol("http"))
                .putEnv("FLAG", "flag{" + instanceId + "}")
                .setResources(Resources.newBuilder().setMemoryBytes(64L << 20).setNanoCpus(250_000_000L).setPids(128))
                .setReadiness(Readiness.newBuilder().setHttpPath("/").setTimeoutMillis(20_000))
                .setHostname(instanceId + ".test.berth")
                .build();
    }

    public static Assignment withPort(String instanceId, String portName, int containerPort, long readinessTimeoutMillis) {
        return Assignment.newBuilder()
                .setInstanceId(instanceId)
                .setTemplate("fake")
                .setImage("fake/image:1")
                .addPorts(PortSpec.newBuilder().setName(portName).setContainerPort(containerPort).setProtocol("tcp"))
                .setReadiness(Readiness.newBuilder().setTimeoutMillis(readinessTimeoutMillis))
                .setHostname(instanceId + ".test.berth")
                .build();
    }
}
