package dev.berth.proxy.http;

import dev.berth.model.Route;
import dev.berth.proxy.metrics.ProxyMetrics;

/**
 * Records each finished exchange of one connection: its latency in the metrics, by route and
 * status, and its access-log line when the log is on. The metrics series of the previous exchange
 * is kept while route and status repeat, as they do on a keep-alive connection, so the usual
 * exchange costs no lookup.
 */
final class ExchangeRecorder {
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final String entrypoint;
    private final ClientAddress client;
    private ProxyMetrics.RequestSeries series;
    private String seriesRoute;
    private int seriesStatus;

    ExchangeRecorder(ProxyMetrics metrics, AccessLog accessLog, String entrypoint, ClientAddress client) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.entrypoint = entrypoint;
        this.client = client;
    }

    /**
     * @param request the request as decoded, or null when none was (a header timeout)
     * @param host    the normalized Host, or null when it was missing or invalid
     * @param route   the route it matched, or null
     */
    void record(long nanos, RequestHead request, String host, Route route, int status, long responseBytes) {
        String r = route != null ? route.key().host() : "-";
        if (series == null || !r.equals(seriesRoute) || status != seriesStatus) {
            series = metrics.series(r, status);
            seriesRoute = r;
            seriesStatus = status;
        }
        series.record(nanos);
        if (accessLog.enabled()) {
            boolean parsed = request != null && request.failure() == null;
            accessLog.log(entrypoint, client.text(), parsed ? request.method().name() : "-", host == null ? "-" : host,
                    parsed ? request.target() : null, status, responseBytes,
                    nanos / 1000, route == null ? null : route.instanceId(),
                    route == null || route.backend() == null ? null : route.backend().toString());
        }
    }
}
