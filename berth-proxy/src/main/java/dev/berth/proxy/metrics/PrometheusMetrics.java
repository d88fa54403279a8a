package dev.berth.proxy.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The proxy's metrics in Prometheus text format (0.0.4). Counters are LongAdders, so event loops
 * never contend (the duration sum is kept in nanoseconds, exported in seconds); a scrape reads
 * them without stopping anyone. {@link #writeTo(StringBuilder)}
 * lets a node that has its own metrics endpoint include these.
 */
public final class PrometheusMetrics implements ProxyMetrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** The same bounds in nanoseconds, so recording compares longs. */
    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
        }
    }

    private record RequestKey(String route, int code) {
    }

    private record Gauge(String help, DoubleSupplier value) {
    }

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    /** One per bound, plus the +Inf bucket: the count is their sum (one add per request, not two). */
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder sumNanos = new LongAdder();
    private final Map<String, LongAdder> open = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentSkipListMap<>();

    public PrometheusMetrics() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Adds a gauge read at scrape time, e.g. the route table version. {@code name} should start with berth_. */
    public PrometheusMetrics gauge(String name, String help, DoubleSupplier value) {
        gauges.put(name, new Gauge(help, value));
        return this;
    }

    @Override
    public void request(String route, int status, long nanos) {
        series(route, status).record(nanos);
    }

    @Override
    public RequestSeries series(String route, int status) {
        LongAdder counter = requests.computeIfAbsent(new RequestKey(route, status), k -> new LongAdder());
        return nanos -> {
            counter.increment();
            observe(nanos);
        };
    }

    private void observe(long nanos) {
        int i = 0;
        while (i < BUCKET_NANOS.length && nanos > BUCKET_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(nanos);
    }

    @Override
    public void connectionOpened(String entrypoint) {
        open.computeIfAbsent(entrypoint, k -> new LongAdder()).increment();
        accepted.computeIfAbsent(entrypoint, k -> new LongAdder()).increment();
    }

    @Override
    public void connectionClosed(String entrypoint) {
        open.computeIfAbsent(entrypoint, k -> new LongAdder()).decrement();
    }

    public String scrape() {
        StringBuilder b = new StringBuilder(4096);
        writeTo(b);
        return b.toString();
    }

    public void writeTo(StringBuilder b) {
        header(b, "berth_proxy_requests_total", "counter", "HTTP requests answered, by route (host; - when none matched) and status");
        requests.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(RequestKey::route).thenComparingInt(RequestKey::code)))
                .forEach(e -> b.append("berth_proxy_requests_total{route=\"").append(escape(e.getKey().route()))
                        .append("\",code=\"").append(e.getKey().code()).append("\"} ").append(e.getValue().sum()).append('\n'));

        header(b, "berth_proxy_request_duration_seconds", "histogram", "Time from request head to the end of the response");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += buckets[i].sum();
            b.append("berth_proxy_request_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
        }
        long n = cumulative + buckets[BUCKETS.length].sum();
        b.append("berth_proxy_request_duration_seconds_bucket{le=\"+Inf\"} ").append(n).append('\n');
        b.append("berth_proxy_request_duration_seconds_sum ").append(format(sumNanos.sum() / 1e9)).append('\n');
        b.append("berth_proxy_request_duration_seconds_count ").append(n).append('\n');

        header(b, "berth_proxy_open_connections", "gauge", "Client connections open now, by entrypoint");
        new java.util.TreeMap<>(open).forEach((ep, v) -> b.append("berth_proxy_open_connections{entrypoint=\"")
                .append(escape(ep)).append("\"} ").append(v.sum()).append('\n'));
        header(b, "berth_proxy_connections_total", "counter", "Client connections accepted, by entrypoint");
        new java.util.TreeMap<>(accepted).forEach((ep, v) -> b.append("berth_proxy_connections_total{entrypoint=\"")
                .append(escape(ep)).append("\"} ").append(v.sum()).append('\n'));

        gauges.forEach((name, g) -> {
            header(b, name, "gauge", g.help());
            b.append(name).append(' ').append(format(g.value().getAsDouble())).append('\n');
        });
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6f", d);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
