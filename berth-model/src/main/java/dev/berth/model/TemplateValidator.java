package dev.berth.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a template before it is stored, and says every problem at once. */
public final class TemplateValidator {
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final long MIN_MEMORY = 4L << 20;

    private final Duration clusterMaxTtl;

    public TemplateValidator(Duration clusterMaxTtl) {
        this.clusterMaxTtl = clusterMaxTtl;
    }

    public List<TemplateProblem> problems(Template t) {
        Problems p = new Problems();
        if (!Names.isValid(t.name())) {
            p.add("name", Names.RULE + ", got '" + t.name() + "'");
        }
        if (t.image() == null || t.image().isBlank()) {
            p.add("image", "is missing");
        }
        if (t.ports().isEmpty()) {
            p.add("ports", "at least one port is needed");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < t.ports().size(); i++) {
            PortSpec port = t.ports().get(i);
            String at = "ports[" + i + "]";
            if (port.name() == null || !PORT_NAME.matcher(port.name()).matches()) {
                p.add(at + ".name", "must be 1-15 lower-case letters, digits or '-', got '" + port.name() + "'");
            } else if (!names.add(port.name())) {
                p.add(at + ".name", "'" + port.name() + "' is used twice");
            }
            if (port.containerPort() < 1 || port.containerPort() > 65535) {
                p.add(at + ".containerPort", "must be 1-65535, got " + port.containerPort());
            } else if (!numbers.add(port.containerPort())) {
                p.add(at + ".containerPort", port.containerPort() + " is used twice");
            }
            if (port.tls() != null && port.protocol() != Protocol.TCP) {
                // http ports get HTTPS from the proxy anyway, and tls ports are passed through by definition.
                p.add(at + ".tls", port.tls().wireName() + " is only for tcp ports, '" + port.name() + "' is "
                        + port.protocol().wireName());
            }
            if (port.proxyProtocol() != null && port.protocol() == Protocol.HTTP) {
                // HTTP backends share pooled connections between clients and learn the client from X-Forwarded-For.
                p.add(at + ".proxyProtocol", "is only for tcp and tls ports, '" + port.name()
                        + "' is http (it gets X-Forwarded-For and X-Real-IP)");
            }
        }
        for (String key : t.env().keySet()) {
            if (!ENV_KEY.matcher(key).matches()) {
                p.add("env." + key, "'" + key + "' is not a valid variable name");
            }
        }
        Resources r = t.resources();
        if (r.memoryBytes() < MIN_MEMORY) {
            p.add("resources.memory", "must be at least 4m");
        }
        if (r.nanoCpus() <= 0) {
            p.add("resources.cpus", "must be more than 0");
        }
        if (r.pids() <= 0) {
            p.add("resources.pids", "must be more than 0");
        }
        TtlPolicy ttl = t.ttl();
        if (ttl.defaultTtl().isNegative() || ttl.defaultTtl().isZero()) {
            p.add("ttl.default", "must be more than 0");
        }
        if (ttl.maxTtl().compareTo(ttl.defaultTtl()) < 0) {
            p.add("ttl.max", Durations.format(ttl.maxTtl()) + " is below default (" + Durations.format(ttl.defaultTtl()) + ")");
        }
        if (ttl.maxTtl().compareTo(clusterMaxTtl) > 0) {
            p.add("ttl.max", Durations.format(ttl.maxTtl()) + " is over the cluster's limit of " + Durations.format(clusterMaxTtl));
        }
        Readiness ready = t.readiness();
        if (ready.port() != null && !names.contains(ready.port())) {
            p.add("readiness.port", "'" + ready.port() + "' is not one of the template's ports");
        }
        if (ready.httpPath() != null && !ready.httpPath().startsWith("/")) {
            p.add("readiness.httpPath", "must start with '/'");
        }
        if (ready.timeout().compareTo(Duration.ofSeconds(1)) < 0 || ready.timeout().compareTo(Duration.ofMinutes(10)) > 0) {
            p.add("readiness.timeout", "must be between 1s and 10m");
        }
        return p.list();
    }

    /** Throws {@link TemplateException} naming every problem. */
    public void check(Template t) {
        List<TemplateProblem> p = problems(t);
        if (!p.isEmpty()) {
            throw new TemplateException(p);
        }
    }

    /** Collects problems in the order they are found. */
    private static final class Problems {
        private final List<TemplateProblem> list = new ArrayList<>();

        void add(String field, String message) {
            list.add(new TemplateProblem(field, message));
        }

        List<TemplateProblem> list() {
            return List.copyOf(list);
        }
    }
}
