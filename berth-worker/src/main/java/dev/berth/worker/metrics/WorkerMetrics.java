package dev.berth.worker.metrics;

import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import dev.berth.worker.reconcile.ReconcilerMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One worker's metrics in the Prometheus text format: counters the reconciler moves, and gauges
 * read at scrape time from its latest reports and the agent's stream.
 */
public final class WorkerMetrics implements ReconcilerMetrics {
    /** The states a worker reports for instances it runs; REMOVED ones are gone and not counted. */
    private static final Map<ObservedState, String> STATES = new LinkedHashMap<>();

    static {
        STATES.put(ObservedState.OBSERVED_STARTING, "STARTING");
        STATES.put(ObservedState.OBSERVED_READY, "READY");
        STATES.put(ObservedState.OBSERVED_FAILED, "FAILED");
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter starts;
    private final Counter removals;
    private final Counter readinessFailures;

    /**
     * @param reports   the reconciler's latest report per instance
     * @param connected whether the agent's stream to a controller is up
     */
    public WorkerMetrics(Supplier<Map<String, InstanceReport>> reports, BooleanSupplier connected) {
        GaugeWithCallback.builder().name("berth_worker_instances")
                .help("Instances this worker runs, by the state it last reported (STARTING, READY, FAILED).")
                .labelNames("state")
                .callback(cb -> {
                    Map<ObservedState, Integer> counts = new LinkedHashMap<>();
                    STATES.keySet().forEach(s -> counts.put(s, 0));
                    for (InstanceReport r : reports.get().values()) {
                        counts.computeIfPresent(r.getState(), (s, n) -> n + 1);
                    }
                    counts.forEach((s, n) -> cb.call(n, STATES.get(s)));
                })
                .register(registry);
        GaugeWithCallback.builder().name("berth_worker_connected")
                .help("1 while this worker's stream to a controller is up, else 0.")
                .callback(cb -> cb.call(connected.getAsBoolean() ? 1 : 0))
                .register(registry);
        starts = counter("berth_worker_container_starts_total", "Containers this worker created and started.");
        removals = counter("berth_worker_container_removals_total",
                "Containers this worker removed (unassigned, orphaned, or left half-created by a crash).");
        readinessFailures = counter("berth_worker_readiness_failures_total",
                "Started or adopted containers that did not pass their readiness probe.");
    }

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
    }

    @Override
    public void containerStarted() {
        starts.inc();
    }

    @Override
    public void containerRemoved() {
        removals.inc();
    }

    @Override
    public void readinessFailed() {
        readinessFailures.inc();
    }

    /** The metrics in the Prometheus text format (0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
