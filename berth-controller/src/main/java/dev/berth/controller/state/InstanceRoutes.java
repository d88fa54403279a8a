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
 * wildcard certificate for the domain still covers it).
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
            boolean first = seen.add(port.protocol());
            String host = first ? instance.hostname() : portHostname(instance, port.name());
            RouteKey key = switch (port.protocol()) {
                case HTTP -> RouteKey.http(host);
                case TLS -> RouteKey.tls(host);
                case TCP -> instance.tcpPorts().containsKey(port.name())
                        ? RouteKey.tcp(instance.tcpPorts().get(port.name())) : null;
            };
            if (key != null) {
                routes.add(new Route(key, instance.id(), backend));
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

    static String portHostname(Instance instance, String portName) {
        String domain = instance.hostname().substring(instance.hostname().indexOf('.') + 1);
        return instance.id() + "-" + portName + "." + domain;
    }
}
