package dev.berth.worker.runtime;

import java.util.Map;

/**
 * What the runtime observed about one Berth container.
 *
 * @param exitCode       null while it has not exited
 * @param containerIp    its address on the bridge network; empty when it has none (stopped, host network)
 * @param publishedPorts container port -> host port on the publish address
 */
public record ContainerInfo(
        String containerId,
        String instanceId,
        String template,
        ContainerStatus status,
        Integer exitCode,
        boolean oomKilled,
        String containerIp,
        Map<Integer, Integer> publishedPorts) {

    public ContainerInfo {
        containerIp = containerIp == null ? "" : containerIp;
        publishedPorts = publishedPorts == null ? Map.of() : Map.copyOf(publishedPorts);
    }

    public boolean running() {
        return status == ContainerStatus.RUNNING;
    }

    public String shortId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    /** Why a container that should be running is not, in words an operator can act on. */
    public String notRunningReason() {
        return switch (status) {
            case EXITED -> oomKilled
                    ? "container was killed for exceeding its memory limit (exit code " + exitCode + ")"
                    : "container exited with code " + exitCode;
            case DEAD -> "container is dead" + (exitCode == null ? "" : " (exit code " + exitCode + ")");
            case CREATED -> "container was created but never started";
            default -> "container is " + status.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
