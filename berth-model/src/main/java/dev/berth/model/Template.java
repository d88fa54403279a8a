package dev.berth.model;

import java.util.List;
import java.util.Map;

/** What to run for each instance launched from it. Validated by {@link TemplateValidator}. */
public record Template(
        String name,
        String image,
        List<String> command,
        List<PortSpec> ports,
        Map<String, String> env,
        Resources resources,
        TtlPolicy ttl,
        Readiness readiness,
        WorkerLossPolicy onWorkerLost) {

    /** A template whose instances are LOST with their worker. */
    public Template(String name, String image, List<String> command, List<PortSpec> ports, Map<String, String> env,
                    Resources resources, TtlPolicy ttl, Readiness readiness) {
        this(name, image, command, ports, env, resources, ttl, readiness, WorkerLossPolicy.LOSE);
    }

    public Template {
        onWorkerLost = onWorkerLost == null ? WorkerLossPolicy.LOSE : onWorkerLost;
        command = command == null ? List.of() : List.copyOf(command);
        ports = ports == null ? List.of() : List.copyOf(ports);
        env = env == null ? Map.of() : Map.copyOf(env);
        resources = resources == null ? Resources.DEFAULT : resources;
        ttl = ttl == null ? TtlPolicy.DEFAULT : ttl;
        readiness = readiness == null ? Readiness.DEFAULT : readiness;
    }
}
