package dev.berth.model;

import java.util.List;
import java.util.Map;

/**
 * One running (or finished) copy of a template. Times are epoch milliseconds chosen by the
 * proposer of the command that set them, so applying the log never reads a clock. The
 * template's ports are copied in at launch so that editing a template never changes the
 * routes of instances already running; {@code tcpPorts} are the proxy ports allocated to
 * its raw TCP ports; {@code maxExpiresAt} caps every extension.
 */
public record Instance(
        String id,
        String template,
        String owner,
        String hostname,
        String workerId,
        InstanceState state,
        String reason,
        long createdAt,
        long expiresAt,
        long maxExpiresAt,
        long updatedAt,
        List<PortSpec> ports,
        Map<String, Integer> tcpPorts,
        Map<String, String> env,
        Map<String, Endpoint> endpoints) {

    public Instance {
        ports = ports == null ? List.of() : List.copyOf(ports);
        tcpPorts = tcpPorts == null ? Map.of() : Map.copyOf(tcpPorts);
        env = env == null ? Map.of() : Map.copyOf(env);
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
    }

    public Instance withState(InstanceState newState, String newReason, long at) {
        Map<String, Endpoint> keep = newState == InstanceState.READY ? endpoints : Map.of();
        return new Instance(id, template, owner, hostname, workerId, newState, newReason,
                createdAt, expiresAt, maxExpiresAt, at, ports, tcpPorts, env, keep);
    }

    public Instance withEndpoints(Map<String, Endpoint> newEndpoints) {
        return new Instance(id, template, owner, hostname, workerId, state, reason,
                createdAt, expiresAt, maxExpiresAt, updatedAt, ports, tcpPorts, env, newEndpoints);
    }

    public Instance withExpiry(long newExpiresAt, long at) {
        return new Instance(id, template, owner, hostname, workerId, state, reason,
                createdAt, newExpiresAt, maxExpiresAt, at, ports, tcpPorts, env, endpoints);
    }
}
