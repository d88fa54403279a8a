package dev.berth.controller.service;

import java.time.Duration;

/**
 * Policy knobs of the control plane.
 *
 * @param baseDomain      instance hostnames are {@code <id>.<baseDomain>}
 * @param maxTtl          no template may allow a longer life
 * @param tcpPortFirst    first proxy port handed to raw TCP instance ports
 * @param tcpPortLast     last such port
 * @param retention       how long ended instances stay visible before they are purged
 * @param workerLease     a worker that has not renewed its lease for this long is DOWN
 */
public record ControllerSettings(String baseDomain, Duration maxTtl, int tcpPortFirst, int tcpPortLast,
                                 Duration retention, Duration workerLease) {
    public ControllerSettings withTcpPorts(int first, int last) {
        return new ControllerSettings(baseDomain, maxTtl, first, last, retention, workerLease);
    }

    public static ControllerSettings defaults(String baseDomain) {
        return new ControllerSettings(baseDomain, Duration.ofDays(7), 31000, 31999, Duration.ofHours(1), Duration.ofSeconds(10));
    }
}
