package dev.berth.controller.service;

import dev.berth.controller.scheduling.Scheduler;
import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.controller.store.StateStore;
import dev.berth.model.BerthException;
import dev.berth.model.Durations;
import dev.berth.model.ErrorCode;
import dev.berth.model.HostnameLabels;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.PortSpec;
import dev.berth.model.Protocol;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Launch, extend and stop: makes every choice that needs randomness or a clock (id, hostname,
 * worker, expiry, proxy ports) and then proposes one command carrying them.
 */
public final class InstanceService {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int ATTEMPTS = 3;

    private final StateStore store;
    private final ControllerSettings settings;
    private final Scheduler scheduler = new Scheduler();
    private final Clock clock;

    public InstanceService(StateStore store, ControllerSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    public Instance launch(LaunchRequest request) {
        if (request.template() == null || request.template().isBlank()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "template is missing");
        }
        if (request.owner() == null || !OWNER.matcher(request.owner()).matches()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "owner must be 1-64 letters, digits or _.@- (starting with a letter or digit), got '" + request.owner() + "'");
        }
        request.env().keySet().stream().filter(k -> !ENV_KEY.matcher(k).matches()).findFirst().ifPresent(k -> {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "env: '" + k + "' is not a valid variable name");
        });
        // Two proposers may pick the same id or proxy port at once; the log refuses the second, which retries.
        for (int attempt = 1; ; attempt++) {
            Command.CreateInstance create = store.read(state -> plan(state, request));
            CommandResult result = store.commit(create);
            if (result.isOk() || result.error() != ErrorCode.CONFLICT || attempt == ATTEMPTS) {
                return result.orThrow().instance();
            }
        }
    }

    private Command.CreateInstance plan(ClusterState state, LaunchRequest request) {
        Template template = state.template(request.template());
        if (template == null) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no template named '" + request.template() + "'");
        }
        Duration ttl = request.ttl() == null ? template.ttl().defaultTtl() : request.ttl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "ttl must be more than 0");
        }
        if (ttl.compareTo(template.ttl().maxTtl()) > 0) {
            throw new BerthException(ErrorCode.TTL_EXCEEDED, "ttl " + Durations.format(ttl)
                    + " is over template '" + template.name() + "' max of " + Durations.format(template.ttl().maxTtl()));
        }
        WorkerInfo worker = scheduler.place(state.workers(), state.instances())
                .orElseThrow(() -> new BerthException(ErrorCode.NO_CAPACITY, "no worker is up with free capacity"));
        Set<String> taken = new HashSet<>();
        state.instances().forEach(i -> taken.add(i.id()));
        String id = HostnameLabels.fresh(taken);
        String hostname = id + "." + settings.baseDomain();
        long now = clock.millis();
        return new Command.CreateInstance(id, template.name(), request.owner(), hostname, worker.id(),
                now, now + ttl.toMillis(), now + template.ttl().maxTtl().toMillis(),
                env(template, request, id, hostname), tcpPorts(state, template));
    }

    private static Map<String, String> env(Template template, LaunchRequest request, String id, String hostname) {
        Map<String, String> env = new LinkedHashMap<>(template.env());
        env.putAll(request.env());
        env.replaceAll((k, v) -> v.replace("${instance.id}", id)
                .replace("${instance.hostname}", hostname)
                .replace("${instance.owner}", request.owner()));
        return env;
    }

    private Map<String, Integer> tcpPorts(ClusterState state, Template template) {
        Map<String, Integer> chosen = new LinkedHashMap<>();
        int next = settings.tcpPortFirst();
        for (PortSpec port : template.ports()) {
            if (port.protocol() != Protocol.TCP) {
                continue;
            }
            while (next <= settings.tcpPortLast() && state.tcpPortTaken(next)) {
                next++;
            }
            if (next > settings.tcpPortLast()) {
                throw new BerthException(ErrorCode.NO_CAPACITY, "no free proxy port left in "
                        + settings.tcpPortFirst() + "-" + settings.tcpPortLast());
            }
            chosen.put(port.name(), next++);
        }
        return chosen;
    }

    public Instance extend(String id, Duration by) {
        if (by == null || by.isNegative() || by.isZero()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "extend by a duration more than 0 (e.g. 30m)");
        }
        Instance current = get(id);
        return store.commit(new Command.ExtendInstance(id, current.expiresAt() + by.toMillis(), clock.millis())).orThrow().instance();
    }

    public Instance stop(String id, String reason) {
        return store.commit(new Command.StopInstance(id, reason, clock.millis())).orThrow().instance();
    }

    public Instance get(String id) {
        Instance instance = store.read(s -> s.instance(id));
        if (instance == null) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no instance " + id);
        }
        return instance;
    }

    /** Instances, newest first; {@code owner} and {@code state} filter when not null. */
    public List<Instance> list(String owner, InstanceState state) {
        return store.read(s -> s.instances().stream()
                .filter(i -> owner == null || owner.equals(i.owner()))
                .filter(i -> state == null || state == i.state())
                .sorted(Comparator.comparingLong(Instance::createdAt).reversed().thenComparing(Instance::id))
                .toList());
    }
}
