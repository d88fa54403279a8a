package dev.berth.controller.metrics;

import dev.berth.controller.api.ApiHandler;
import dev.berth.controller.api.ApiResponse;
import dev.berth.controller.api.Router;
import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.store.CommandObserver;
import dev.berth.controller.store.RaftStatus;
import dev.berth.controller.store.StateStore;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.WorkerInfo;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This controller's metrics, in the Prometheus text format at {@code GET /metrics} on the API port.
 * Everything but the command counter is computed at scrape time from the applied state and the
 * Raft status, so nothing is kept up to date on the hot path; the counter costs one striped
 * increment per applied command.
 */
public final class ControllerMetrics implements CommandObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerMetrics.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final StateStore store;
    private final Counter commands;
    /** The counter's two data points (ok, error) per command class, found once per class. */
    private final ClassValue<CounterDataPoint[]> commandPoints = new ClassValue<>() {
        @Override
        protected CounterDataPoint[] computeValue(Class<?> type) {
            String name = type.getSimpleName();
            return new CounterDataPoint[] {commands.labelValues(name, "ok"), commands.labelValues(name, "error")};
        }
    };

    /**
     * @param routeWatchers how many proxies stream routes from this controller
     * @param workerStreams how many workers stream their assignments from this controller
     */
    public ControllerMetrics(StateStore store, IntSupplier routeWatchers, IntSupplier workerStreams) {
        this.store = store;
        raftGauge("berth_controller_raft_term", "Current Raft term as seen by this controller.", RaftStatus::term);
        raftGauge("berth_controller_raft_applied_index", "Last Raft log index applied to this controller's state.",
                RaftStatus::appliedIndex);
        raftGauge("berth_controller_raft_commit_index", "Last Raft log index this controller knows to be committed.",
                RaftStatus::commitIndex);
        GaugeWithCallback.builder().name("berth_controller_is_leader")
                .help("1 if this controller is the Raft leader (and ready to lead), else 0.")
                .callback(cb -> cb.call(store.isLeader() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder().name("berth_instances")
                .help("Instances in the cluster's state, by lifecycle state (ended ones until they are purged).")
                .labelNames("state")
                .callback(cb -> instancesByState().forEach((state, n) -> cb.call(n, state.name())))
                .register(registry);
        GaugeWithCallback.builder().name("berth_workers")
                .help("Registered workers, by lease status.")
                .labelNames("status")
                .callback(cb -> workersByStatus().forEach((status, n) -> cb.call(n, status.name())))
                .register(registry);
        stateGauge("berth_route_table_version", "Version of the route table (the log index of its last change).",
                ClusterState::routeVersion);
        stateGauge("berth_routes", "Routes in the route table.", s -> s.routes().size());
        GaugeWithCallback.builder().name("berth_certificate_expiry_timestamp_seconds")
                .help("When each serving certificate stored with `berth tls put` expires (Unix seconds): alert on it minus time().")
                .labelNames("name")
                .callback(cb -> store.read(s -> List.copyOf(s.certificates()))
                        .forEach(c -> cb.call(c.notAfter() / 1000.0, c.name())))
                .register(registry);
        GaugeWithCallback.builder().name("berth_route_watchers")
                .help("Proxies streaming routes from this controller.")
                .callback(cb -> cb.call(routeWatchers.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder().name("berth_worker_streams")
                .help("Workers streaming their assignments from this controller.")
                .callback(cb -> cb.call(workerStreams.getAsInt()))
                .register(registry);
        commands = Counter.builder().name("berth_commands_total")
                .help("Commands this controller applied since it started, by command type and result (error: refused by the state).")
                .labelNames("type", "result")
                .withoutExemplars()
                .register(registry);
        // Every type from the start, so a rate over a type that was never applied is 0, not absent.
        for (Class<?> type : Command.class.getPermittedSubclasses()) {
            commandPoints.get(type);
        }
    }

    /** Installs the endpoint: {@code GET /metrics}, open like health (see the API's dispatcher). */
    public void register(Router router) {
        router.get("/metrics", handler());
    }

    public ApiHandler handler() {
        return request -> ApiResponse.raw(PrometheusTextFormatWriter.CONTENT_TYPE, scrape());
    }

    /** The metrics in the Prometheus text format (0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    @Override
    public void applied(Command command, boolean ok) {
        commandPoints.get(command.getClass())[ok ? 0 : 1].inc();
    }

    private void raftGauge(String name, String help, ToDoubleFunction<RaftStatus> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> {
                    RaftStatus status = raftStatus();
                    if (status != null) {
                        cb.call(value.applyAsDouble(status));
                    }
                })
                .register(registry);
    }

    private void stateGauge(String name, String help, ToDoubleFunction<ClusterState> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(store.read(value::applyAsDouble)))
                .register(registry);
    }

    /** Null while Raft cannot tell (starting, closing): the sample is left out rather than failing the scrape. */
    private RaftStatus raftStatus() {
        try {
            return store.status();
        } catch (RuntimeException e) {
            LOG.debug("no Raft status for the metrics: {}", e.toString());
            return null;
        }
    }

    private Map<InstanceState, Integer> instancesByState() {
        return store.read(s -> {
            Map<InstanceState, Integer> counts = new EnumMap<>(InstanceState.class);
            for (InstanceState state : InstanceState.values()) {
                counts.put(state, 0);
            }
            for (Instance i : s.instances()) {
                counts.merge(i.state(), 1, Integer::sum);
            }
            return counts;
        });
    }

    private Map<WorkerInfo.Status, Integer> workersByStatus() {
        return store.read(s -> {
            Map<WorkerInfo.Status, Integer> counts = new EnumMap<>(WorkerInfo.Status.class);
            for (WorkerInfo.Status status : WorkerInfo.Status.values()) {
                counts.put(status, 0);
            }
            for (WorkerInfo w : s.workers()) {
                counts.merge(w.status(), 1, Integer::sum);
            }
            return counts;
        });
    }
}
