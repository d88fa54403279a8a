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
        Map<String, Endpoint> endpoints,
        List<Event> events) {

    /** Keeps the newest lifecycle events: enough to explain an instance, bounded in the snapshot. */
    public static final int MAX_EVENTS = 32;

    /** One lifecycle transition, at the proposer's time of the command that caused it. */
    public record Event(long at, InstanceState state, String reason) {
    }

    public Instance {
        ports = ports == null ? List.of() : List.copyOf(ports);
        tcpPorts = tcpPorts == null ? Map.of() : Map.copyOf(tcpPorts);
        env = env == null ? Map.of() : Map.copyOf(env);
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
        events = events == null ? List.of() : List.copyOf(events.size() > MAX_EVENTS
                ? events.subList(events.size() - MAX_EVENTS, events.size()) : events);
    }

    /** The event list with one more transition. */
    public static List<Event> append(List<Event> events, Event next) {
        List<Event> out = new java.util.ArrayList<>(events);
        out.add(next);
        return out;
    }

    public Instance withState(InstanceState newState, String newReason, long at) {
        Map<String, Endpoint> keep = newState == InstanceState.READY ? endpoints : Map.of();
        return new Instance(id, template, owner, hostname, workerId, newState, newReason,
                createdAt, expiresAt, maxExpiresAt, at, ports, tcpPorts, env, keep,
                newState == state ? events : append(events, new Event(at, newState, newReason)));
    }

    public Instance withEndpoints(Map<String, Endpoint> newEndpoints) {
        return new Instance(id, template, owner, hostname, workerId, state, reason,
                createdAt, expiresAt, maxExpiresAt, updatedAt, ports, tcpPorts, env, newEndpoints, events);
    }

    public Instance withExpiry(long newExpiresAt, long at) {
        return new Instance(id, template, owner, hostname, workerId, state, reason,
                createdAt, newExpiresAt, maxExpiresAt, at, ports, tcpPorts, env, endpoints, events);
    }
}
