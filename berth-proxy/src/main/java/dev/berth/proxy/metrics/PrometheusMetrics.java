package dev.berth.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The proxy's metrics on the Prometheus Java client, in a registry of the proxy's own (a node
 * that runs a proxy next to other roles scrapes each). Requests are counted by route and status;
 * the latency histogram has no labels, so 100k routes cost one counter each, not a dozen buckets.
 *
 * <p>Every instance has a hostname of its own, so over a long event the route label would take
 * ever more values: the series of a route that has left the table are dropped once it has been
 * gone for a whole {@linkplain #PRUNE_INTERVAL prune interval} (their last values are scraped
 * in between, and a route that comes back keeps its counts).
 */
public final class PrometheusMetrics implements ProxyMetrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** How often route series are checked against the route table. */
    public static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests = Counter.builder().name("berth_proxy_requests_total")
            .help("HTTP requests answered, by route (host; - when none matched) and status")
            .labelNames("route", "code").withoutExemplars().register(registry);
    private final DistributionDataPoint duration = Histogram.builder().name("berth_proxy_request_duration_seconds")
            .help("Time from request head to the end of the response")
            .classicUpperBounds(BUCKETS).classicOnly().withoutExemplars().register(registry);
    private final Gauge open = Gauge.builder().name("berth_proxy_open_connections")
            .help("Client connections open now, by entrypoint")
            .labelNames("entrypoint").register(registry);
    private final Counter accepted = Counter.builder().name("berth_proxy_connections_total")
            .help("Client connections accepted, by entrypoint")
            .labelNames("entrypoint").withoutExemplars().register(registry);

    private Predicate<String> routed = route -> true;
    private Set<String> goneAtLastPrune = Set.of();
    private long lastPrune = System.nanoTime();

    /** Tells which routes (request series' route label) are still in the table; until then, all are. */
    public synchronized PrometheusMetrics routedBy(Predicate<String> stillRouted) {
        this.routed = stillRouted;
        return this;
    }

    /** Prunes route series if a prune interval has passed; cheap otherwise. Call on route changes and scrapes. */
    public void maybePrune() {
        pruneRoutes(System.nanoTime());
    }

    /**
     * Drops the series of routes that were gone at the last prune and still are, and remembers
     * those gone now; at most once per {@link #PRUNE_INTERVAL} ({@code now} from {@code System.nanoTime()}).
     */
    synchronized void pruneRoutes(long now) {
        if (now - lastPrune < PRUNE_INTERVAL.toNanos()) {
            return;
        }
        lastPrune = now;
        Set<String> gone = new HashSet<>();
        for (CounterSnapshot.CounterDataPointSnapshot p : requests.collect().getDataPoints()) {
            String route = p.getLabels().get("route");
            if (!"-".equals(route) && !routed.test(route)) {
                gone.add(route);
            }
        }
        Set<String> drop = new HashSet<>(gone);
        drop.retainAll(goneAtLastPrune);
        if (!drop.isEmpty()) {
            requests.removeIf(labels -> drop.contains(labels.get(0)));
        }
        gone.removeAll(drop);
        goneAtLastPrune = gone;
    }

    /** Adds a gauge read at scrape time, e.g. the route table version. {@code name} should start with berth_. */
    public PrometheusMetrics gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
        return this;
    }

    @Override
    public void request(String route, int status, long nanos) {
        series(route, status).record(nanos);
    }

    @Override
    public RequestSeries series(String route, int status) {
        CounterDataPoint counter = requests.labelValues(route, Integer.toString(status));
        return nanos -> {
            counter.inc();
            duration.observe(nanos / 1e9);
        };
    }

    @Override
    public void connectionOpened(String entrypoint) {
        open.labelValues(entrypoint).inc();
        accepted.labelValues(entrypoint).inc();
    }

    @Override
    public void connectionClosed(String entrypoint) {
        open.labelValues(entrypoint).dec();
    }

    /** The Content-Type of {@link #scrape()}. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Every metric, in the Prometheus text format. */
    public byte[] scrape() {
        maybePrune();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }
}
