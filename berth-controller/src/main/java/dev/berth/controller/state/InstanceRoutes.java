package dev.berth.controller.state;

import dev.berth.model.Endpoint;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.PortSpec;
import dev.berth.model.Protocol;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Derives an instance's routes. Only a READY instance has routes to its container. While it is
 * starting, its HTTP hostnames carry a placeholder without a backend, so proxies answer 503
 * "starting" rather than 404 "unknown host". Per protocol, the first port is reached at the
 * instance's hostname and any further port at {@code <id>-<port>.<domain>} (one label, so a
 * wildcard certificate for the domain still covers it). A {@code tcp} port with {@code tls: terminate}
 * keeps its raw TCP route (when the cluster has a TCP port range) and also gets a TLS route by SNI,
 * marked for termination, named by the same rule as {@code tls} ports (they share the SNI names).
 */
public final class InstanceRoutes {
    private InstanceRoutes() {
    }

    public static List<Route> of(Instance instance) {
        if (instance.state() == InstanceState.SCHEDULED || instance.state() == InstanceState.STARTING) {
            return starting(instance);
        }
        if (instance.state() != InstanceState.READY) {
            return List.of();
        }
        List<Route> routes = new ArrayList<>();
        Set<Protocol> seen = EnumSet.noneOf(Protocol.class);
        for (PortSpec port : instance.ports()) {
            Endpoint backend = instance.endpoints().get(port.name());
            if (backend == null) {
                continue;
            }
            RouteKey key = switch (port.protocol()) {
                case HTTP -> RouteKey.http(hostFor(instance, port, seen, Protocol.HTTP));
                case TLS -> RouteKey.tls(hostFor(instance, port, seen, Protocol.TLS));
                case TCP -> instance.tcpPorts().containsKey(port.name())
                        ? RouteKey.tcp(instance.tcpPorts().get(port.name())) : null;
            };
            if (key != null) {
                routes.add(new Route(key, instance.id(), backend, false, port.proxyProtocol()));
            }
            if (port.terminatesTls()) {
                // Shares the SNI names with tls ports: the first of either gets the instance's hostname.
                RouteKey sni = RouteKey.tls(hostFor(instance, port, seen, Protocol.TLS));
                routes.add(new Route(sni, instance.id(), backend, true, port.proxyProtocol()));
            }
        }
        return routes;
    }

    private static List<Route> starting(Instance instance) {
        List<Route> routes = new ArrayList<>();
        boolean first = true;
        for (PortSpec port : instance.ports()) {
            if (port.protocol() == Protocol.HTTP) {
                String host = first ? instance.hostname() : portHostname(instance, port.name());
                routes.add(new Route(RouteKey.http(host), instance.id(), null));
                first = false;
            }
        }
        return routes;
    }

    /** The instance's hostname for the first port reached by {@code by}'s names, then {@code <id>-<port>.<domain>}. */
    private static String hostFor(Instance instance, PortSpec port, Set<Protocol> seen, Protocol by) {
        return seen.add(by) ? instance.hostname() : portHostname(instance, port.name());
    }

    static String portHostname(Instance instance, String portName) {
        String domain = instance.hostname().substring(instance.hostname().indexOf('.') + 1);
        return instance.id() + "-" + portName + "." + domain;
    }
}
