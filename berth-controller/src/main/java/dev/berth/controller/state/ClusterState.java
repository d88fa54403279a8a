package dev.berth.controller.state;

import dev.berth.controller.state.Command.CreateInstance;
import dev.berth.controller.state.Command.DeleteTemplate;
import dev.berth.controller.state.Command.ExtendInstance;
import dev.berth.controller.state.Command.MarkWorkerDown;
import dev.berth.controller.state.Command.PurgeInstance;
import dev.berth.controller.state.Command.PutTemplate;
import dev.berth.controller.state.Command.RegisterWorker;
import dev.berth.controller.state.Command.RenewLeases;
import dev.berth.controller.state.Command.ReportInstance;
import dev.berth.controller.state.Command.StopInstance;
import dev.berth.controller.state.StateChange.InstanceChange;
import dev.berth.controller.state.StateChange.RouteDelta;
import dev.berth.model.ControllerInfo;
import dev.berth.model.Durations;
import dev.berth.model.ErrorCode;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import dev.berth.model.certs.ServingCertificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cluster's desired state and the one function that changes it: {@link #apply}. Pure:
 * no clock, no randomness, no I/O, so the same log gives the same state on every controller.
 * Not thread-safe; the state store serialises access.
 */
public final class ClusterState {
    private final Map<String, Template> templates = new TreeMap<>();
    private final Map<String, Instance> instances = new TreeMap<>();
    private final Map<String, WorkerInfo> workers = new TreeMap<>();
    private final Map<String, ControllerInfo> controllers = new TreeMap<>();
    private final Map<String, ServingCertificate> certificates = new TreeMap<>();
    private final Map<RouteKey, Route> routes = new HashMap<>();
    private final Map<String, String> instanceByHostname = new HashMap<>();
    private final Map<Integer, String> instanceByTcpPort = new HashMap<>();
    private long appliedIndex;
    private long routeVersion;

    /** The result of one apply: the reply for the proposer and the change for listeners. */
    public record Applied(CommandResult result, StateChange change) {
    }

    public Applied apply(long index, Command command) {
        Objects.requireNonNull(command, "command");
        Mutation m = new Mutation(index);
        CommandResult result = switch (command) {
            case PutTemplate c -> putTemplate(c);
            case DeleteTemplate c -> deleteTemplate(c);
            case CreateInstance c -> createInstance(m, c);
            case ReportInstance c -> reportInstance(m, c);
            case ExtendInstance c -> extendInstance(m, c);
            case StopInstance c -> stopInstance(m, c);
            case PurgeInstance c -> purge(m, c);
            case RegisterWorker c -> registerWorker(c);
            case RenewLeases c -> renewLeases(c);
            case MarkWorkerDown c -> markWorkerDown(m, c);
            case Command.RelaunchInstance c -> relaunch(m, c);
            case Command.RegisterController c -> {
                controllers.put(c.controller().id(), c.controller());
                yield CommandResult.ok();
            }
            case Command.ForgetController c -> {
                controllers.remove(c.id());
                yield CommandResult.ok();
            }
            case Command.PutCertificate c -> putCertificate(m, c);
            case Command.DeleteCertificate c -> deleteCertificate(m, c);
        };
        appliedIndex = index;
        return new Applied(result.atIndex(index), m.finish());
    }

    // ---- templates ----

    private CommandResult putTemplate(PutTemplate c) {
        templates.put(c.template().name(), c.template());
        return CommandResult.ok();
    }

    private CommandResult deleteTemplate(DeleteTemplate c) {
        if (templates.remove(c.name()) == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no template named '" + c.name() + "'");
        }
        return CommandResult.ok();
    }

    // ---- serving certificates (proxies watch them with the routes) ----

    private CommandResult putCertificate(Mutation m, Command.PutCertificate c) {
        ServingCertificate next = c.certificate();
        if (!next.equals(certificates.get(next.name()))) {
            certificates.put(next.name(), next);
            m.certificateStored(next);
        }
        return CommandResult.ok();
    }

    private CommandResult deleteCertificate(Mutation m, Command.DeleteCertificate c) {
        if (certificates.remove(c.name()) == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no certificate named '" + c.name() + "'");
        }
        m.certificateDeleted(c.name());
        return CommandResult.ok();
    }

    // ---- instances ----

    private CommandResult createInstance(Mutation m, CreateInstance c) {
        Template template = templates.get(c.template());
        if (template == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no template named '" + c.template() + "'");
        }
        if (instances.containsKey(c.id()) || instanceByHostname.containsKey(c.hostname())) {
            return CommandResult.fail(ErrorCode.CONFLICT, "instance id or hostname already taken: " + c.id());
        }
        WorkerInfo worker = workers.get(c.workerId());
        if (worker == null || worker.status() != WorkerInfo.Status.UP) {
            return CommandResult.fail(ErrorCode.NO_CAPACITY, "worker '" + c.workerId() + "' is not up");
        }
        for (int port : c.tcpPorts().values()) {
            if (instanceByTcpPort.containsKey(port)) {
                return CommandResult.fail(ErrorCode.CONFLICT, "proxy port " + port + " is already taken");
            }
        }
        Instance created = new Instance(c.id(), template.name(), c.owner(), c.hostname(), c.workerId(),
                InstanceState.SCHEDULED, "placed on " + c.workerId(), c.createdAt(), c.expiresAt(), c.maxExpiresAt(),
                c.createdAt(), template.ports(), c.tcpPorts(), c.env(), Map.of(),
                List.of(new Instance.Event(c.createdAt(), InstanceState.SCHEDULED, "placed on " + c.workerId())));
        m.put(null, created);
        return CommandResult.ok(created);
    }

    private CommandResult reportInstance(Mutation m, ReportInstance c) {
        Instance current = instances.get(c.id());
        if (current == null || !current.workerId().equals(c.workerId())) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no instance " + c.id() + " on worker " + c.workerId());
        }
        Instance next = afterReport(current, c);
        if (next != current) {
            m.put(current, next);
        }
        return CommandResult.ok(next);
    }

    /**
     * Where a worker's report takes an instance: forward along the lifecycle, or nowhere (the same
     * object) when it tells nothing new. Workers repeat their picture after every reconnect, so
     * most reports change nothing; proposers use this to skip logging those.
     */
    public static Instance afterReport(Instance current, ReportInstance c) {
        InstanceState s = current.state();
        return switch (c.observed()) {
            case STARTING -> s == InstanceState.SCHEDULED
                    ? current.withState(InstanceState.STARTING, "container starting", c.at()) : current;
            case READY -> s.wantsContainer() && !(s == InstanceState.READY && current.endpoints().equals(c.endpoints()))
                    ? current.withState(InstanceState.READY, "ready", c.at()).withEndpoints(c.endpoints()) : current;
            case FAILED -> s.wantsContainer()
                    ? current.withState(InstanceState.FAILED, c.reason(), c.at()) : current;
            case REMOVED -> switch (s) {
                case STOPPING -> current.withState(InstanceState.STOPPED, current.reason(), c.at());
                case SCHEDULED, STARTING, READY -> current.withState(InstanceState.FAILED,
                        c.reason() == null || c.reason().isBlank() ? "container disappeared" : c.reason(), c.at());
                default -> current;
            };
        };
    }

    private CommandResult extendInstance(Mutation m, ExtendInstance c) {
        Instance current = instances.get(c.id());
        if (current == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no instance " + c.id());
        }
        if (current.state().isTerminal() || current.state() == InstanceState.STOPPING) {
            return CommandResult.fail(ErrorCode.CONFLICT, "instance " + c.id() + " is " + current.state() + "; only a live instance can be extended");
        }
        if (c.newExpiresAt() > current.maxExpiresAt()) {
            return CommandResult.fail(ErrorCode.TTL_EXCEEDED, "instance " + c.id() + " may live at most until "
                    + java.time.Instant.ofEpochMilli(current.maxExpiresAt()) + " (template's max ttl "
                    + Durations.format(Duration.ofMillis(current.maxExpiresAt() - current.createdAt())) + ")");
        }
        Instance next = current.withExpiry(Math.max(current.expiresAt(), c.newExpiresAt()), c.at());
        m.put(current, next);
        return CommandResult.ok(next);
    }

    private CommandResult stopInstance(Mutation m, StopInstance c) {
        Instance current = instances.get(c.id());
        if (current == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no instance " + c.id());
        }
        if (current.state().isTerminal() || current.state() == InstanceState.STOPPING) {
            return CommandResult.ok(current);
        }
        Instance next = current.withState(InstanceState.STOPPING, c.reason(), c.at());
        m.put(current, next);
        return CommandResult.ok(next);
    }

    private CommandResult purge(Mutation m, PurgeInstance c) {
        for (String id : c.ids()) {
            Instance current = instances.get(id);
            if (current != null && current.state().isTerminal()) {
                m.put(current, null);
            }
        }
        return CommandResult.ok();
    }

    private CommandResult relaunch(Mutation m, Command.RelaunchInstance c) {
        Instance current = instances.get(c.id());
        if (current == null || current.state() != InstanceState.LOST) {
            return CommandResult.fail(ErrorCode.CONFLICT, "only a LOST instance can be relaunched: " + c.id());
        }
        WorkerInfo worker = workers.get(c.workerId());
        if (worker == null || worker.status() != WorkerInfo.Status.UP) {
            return CommandResult.fail(ErrorCode.NO_CAPACITY, "worker '" + c.workerId() + "' is not up");
        }
        Instance next = new Instance(current.id(), current.template(), current.owner(), current.hostname(), c.workerId(),
                InstanceState.SCHEDULED, "relaunched on " + c.workerId() + " after worker " + current.workerId() + " was lost",
                current.createdAt(), current.expiresAt(), current.maxExpiresAt(), c.at(), current.ports(),
                current.tcpPorts(), current.env(), Map.of(),
                Instance.append(current.events(), new Instance.Event(c.at(), InstanceState.SCHEDULED,
                        "relaunched on " + c.workerId() + " after worker " + current.workerId() + " was lost")));
        m.put(current, next);
        return CommandResult.ok(next);
    }

    // ---- workers ----

    private CommandResult registerWorker(RegisterWorker c) {
        WorkerInfo old = workers.get(c.id());
        long registeredAt = old == null ? c.at() : old.registeredAt();
        workers.put(c.id(), new WorkerInfo(c.id(), c.address(), c.capacity(), WorkerInfo.Status.UP, registeredAt, c.leaseExpiresAt()));
        return CommandResult.ok();
    }

    private CommandResult renewLeases(RenewLeases c) {
        c.leaseExpiresAt().forEach((id, until) -> {
            WorkerInfo w = workers.get(id);
            if (w != null && until > w.leaseExpiresAt()) {
                workers.put(id, w.withLease(until));
            }
        });
        return CommandResult.ok();
    }

    private CommandResult markWorkerDown(Mutation m, MarkWorkerDown c) {
        WorkerInfo w = workers.get(c.id());
        if (w == null) {
            return CommandResult.fail(ErrorCode.NOT_FOUND, "no worker " + c.id());
        }
        workers.put(c.id(), w.down());
        for (Instance i : List.copyOf(instances.values())) {
            if (i.workerId().equals(c.id()) && !i.state().isTerminal()) {
                m.put(i, i.withState(InstanceState.LOST, "worker " + c.id() + " lost its lease", c.at()));
            }
        }
        return CommandResult.ok();
    }

    /** Log entries without a command (leader no-ops, configuration changes) still advance the index. */
    public void skipTo(long index) {
        appliedIndex = Math.max(appliedIndex, index);
    }

    // ---- reads (callers hold the store's read lock) ----

    public Collection<Template> templates() {
        return templates.values();
    }

    public Template template(String name) {
        return templates.get(name);
    }

    public Collection<Instance> instances() {
        return instances.values();
    }

    public Instance instance(String id) {
        return instances.get(id);
    }

    public Collection<WorkerInfo> workers() {
        return workers.values();
    }

    public WorkerInfo worker(String id) {
        return workers.get(id);
    }

    public Collection<ControllerInfo> controllers() {
        return controllers.values();
    }

    public Collection<Route> routes() {
        return routes.values();
    }

    /** Serving certificates by name, keys included: never hand these to an API response as they are. */
    public Collection<ServingCertificate> certificates() {
        return certificates.values();
    }

    public ServingCertificate certificate(String name) {
        return certificates.get(name);
    }

    public boolean tcpPortTaken(int port) {
        return instanceByTcpPort.containsKey(port);
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long routeVersion() {
        return routeVersion;
    }

    // ---- snapshots ----

    public ClusterSnapshot snapshot() {
        return new ClusterSnapshot(appliedIndex, routeVersion, List.copyOf(templates.values()),
                List.copyOf(instances.values()), List.copyOf(workers.values()), List.copyOf(controllers.values()),
                List.copyOf(certificates.values()));
    }

    public static ClusterState restore(ClusterSnapshot s) {
        ClusterState state = new ClusterState();
        s.templates().forEach(t -> state.templates.put(t.name(), t));
        s.workers().forEach(w -> state.workers.put(w.id(), w));
        s.controllers().forEach(c -> state.controllers.put(c.id(), c));
        s.certificates().forEach(c -> state.certificates.put(c.name(), c));
        s.instances().forEach(state::index);
        state.appliedIndex = s.appliedIndex();
        state.routeVersion = s.routeVersion();
        return state;
    }

    private void index(Instance i) {
        instances.put(i.id(), i);
        instanceByHostname.put(i.hostname(), i.id());
        i.tcpPorts().values().forEach(p -> instanceByTcpPort.put(p, i.id()));
        InstanceRoutes.of(i).forEach(r -> routes.put(r.key(), r));
    }

    private void unindex(Instance i) {
        instances.remove(i.id());
        instanceByHostname.remove(i.hostname());
        i.tcpPorts().values().forEach(instanceByTcpPort::remove);
        InstanceRoutes.of(i).forEach(r -> routes.remove(r.key()));
    }

    /**
     * Collects one apply's instance changes and turns their route differences into a delta,
     * together with the serving certificates it stored or deleted.
     */
    private final class Mutation {
        private final long index;
        private final List<InstanceChange> changes = new ArrayList<>();
        private final Map<RouteKey, Route> upserts = new LinkedHashMap<>();
        private final Map<RouteKey, Boolean> removals = new LinkedHashMap<>();
        private final Map<String, ServingCertificate> certificateUpserts = new LinkedHashMap<>();
        private final Map<String, Boolean> certificateRemovals = new LinkedHashMap<>();

        Mutation(long index) {
            this.index = index;
        }

        void put(Instance before, Instance after) {
            List<Route> oldRoutes = before == null ? List.of() : InstanceRoutes.of(before);
            if (before != null) {
                unindex(before);
            }
            if (after != null) {
                index(after);
            }
            List<Route> newRoutes = after == null ? List.of() : InstanceRoutes.of(after);
            for (Route r : oldRoutes) {
                if (!newRoutes.contains(r)) {
                    upserts.remove(r.key());
                    removals.put(r.key(), true);
                }
            }
            for (Route r : newRoutes) {
                if (!oldRoutes.contains(r)) {
                    removals.remove(r.key());
                    upserts.put(r.key(), r);
                }
            }
            changes.add(new InstanceChange(before, after));
        }

        void certificateStored(ServingCertificate c) {
            certificateRemovals.remove(c.name());
            certificateUpserts.put(c.name(), c);
        }

        void certificateDeleted(String name) {
            certificateUpserts.remove(name);
            certificateRemovals.put(name, true);
        }

        StateChange finish() {
            RouteDelta delta = new RouteDelta(index, List.copyOf(upserts.values()), List.copyOf(removals.keySet()),
                    List.copyOf(certificateUpserts.values()), List.copyOf(certificateRemovals.keySet()));
            if (!delta.isEmpty()) {
                routeVersion = index;
            }
            return new StateChange(index, List.copyOf(changes), delta);
        }
    }
}
