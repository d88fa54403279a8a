package dev.berth.worker.readiness;

import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.PortSpec;
import dev.berth.worker.runtime.ContainerInfo;
import java.util.ArrayList;
import java.util.List;

/** Where to probe an assignment's container. */
public final class ProbeTargets {
    private ProbeTargets() {
    }

    /**
     * The container's own IP and port when it has one: Docker's userland proxy accepts on
     * the published port before anything listens inside, so probing that would lie.
     * Falls back to the published port on {@code publishHost} only without a container IP.
     *
     * @throws IllegalArgumentException with a reportable reason if a port cannot be probed
     */
    public static List<ProbeTarget> of(Assignment a, ContainerInfo c, String publishHost) {
        String only = a.getReadiness().getPort();
        List<ProbeTarget> out = new ArrayList<>();
        for (PortSpec p : a.getPortsList()) {
            if (!only.isEmpty() && !only.equals(p.getName())) {
                continue;
            }
            if (!c.containerIp().isEmpty()) {
                out.add(new ProbeTarget(p.getName(), c.containerIp(), p.getContainerPort()));
            } else {
                Integer hostPort = c.publishedPorts().get(p.getContainerPort());
                if (hostPort == null) {
                    throw new IllegalArgumentException("port " + p.getName() + " has neither a container IP nor a published port to probe");
                }
                out.add(new ProbeTarget(p.getName(), publishHost, hostPort));
            }
        }
        if (!only.isEmpty() && out.isEmpty()) {
            throw new IllegalArgumentException("readiness port " + only + " is not one of the instance's ports");
        }
        return out;
    }
}
