package dev.berth.controller.grpc;

import dev.berth.model.Instance;
import dev.berth.model.PortSpec;
import dev.berth.model.Template;
import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.Readiness;
import dev.berth.protocol.v1.Resources;

/** Builds the self-contained assignment a worker runs from an instance and its template. */
final class Assignments {
    private Assignments() {
    }

    static Assignment of(Instance instance, Template template) {
        Assignment.Builder b = Assignment.newBuilder()
                .setInstanceId(instance.id())
                .setTemplate(instance.template())
                .setHostname(instance.hostname())
                .putAllEnv(instance.env());
        for (PortSpec p : instance.ports()) {
            b.addPorts(dev.berth.protocol.v1.PortSpec.newBuilder()
                    .setName(p.name()).setContainerPort(p.containerPort()).setProtocol(p.protocol().wireName()));
        }
        if (template != null) {
            b.setImage(template.image()).addAllCommand(template.command())
                    .setResources(Resources.newBuilder()
                            .setMemoryBytes(template.resources().memoryBytes())
                            .setNanoCpus(template.resources().nanoCpus())
                            .setPids(template.resources().pids()))
                    .setReadiness(Readiness.newBuilder()
                            .setPort(nullToEmpty(template.readiness().port()))
                            .setHttpPath(nullToEmpty(template.readiness().httpPath()))
                            .setTimeoutMillis(template.readiness().timeout().toMillis()));
        }
        return b.build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
