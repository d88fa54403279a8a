package dev.berth.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.ProxyNode;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.testutil.Await;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import dev.berth.proxy.watch.RouteWatcher;
import dev.berth.testing.PrometheusText;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";

    @Test
    void prometheusTextOnTheMetricsEntrypoint() throws Exception {
        try (TestBackend backend = new TestBackend();
             ProxyNode node = new ProxyNode(new ProxyNode.Settings(ProxyConfig.builder()
                     .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                     .entrypoint(Entrypoint.metrics("metrics", "127.0.0.1", 0))
                     .accessLog(true)
                     .eventLoopThreads(1).build(), null, List.of(), RouteWatcher.Options.defaults("m"), null))) {
            node.start();
            node.routes().set(RouteTable.of(17, List.of(new Route(RouteKey.http(HOST), "i1", backend.endpoint()))));
            int web = node.server().port("web");
            try (RawHttp c = new RawHttp(web)) {
                assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
                assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
                assertEquals(503, c.send(RawHttp.get(HOST, "/status?code=503")).read().status());
                assertEquals(404, c.send(RawHttp.get("random-" + System.nanoTime() + ".example", "/")).read().status());
                PrometheusText m = PrometheusText.parse(scrape(node));
                assertEquals(2, m.value("berth_proxy_requests_total", "route", HOST, "code", "200"));
                assertEquals(1, m.value("berth_proxy_requests_total", "route", HOST, "code", "503"));
                // Unknown hosts share one label: a scanner cannot blow up the series count.
                assertEquals(1, m.value("berth_proxy_requests_total", "route", "-", "code", "404"));
                assertEquals("histogram", m.types.get("berth_proxy_request_duration_seconds"));
                assertEquals(4, m.value("berth_proxy_request_duration_seconds_count"));
                assertEquals(4, m.value("berth_proxy_request_duration_seconds_bucket", "le", "+Inf"));
                assertTrue(m.value("berth_proxy_request_duration_seconds_sum") > 0);
                assertEquals(1, m.value("berth_proxy_open_connections", "entrypoint", "web"));
                assertEquals(1, m.value("berth_proxy_connections_total", "entrypoint", "web"));
                assertEquals(17, m.value("berth_proxy_route_table_version"));
                assertEquals(1, m.value("berth_proxy_routes"));
            }
            Await.until("connection closed in metrics",
                    () -> openConnections(node) == 0);
            try (RawHttp c = new RawHttp(node.server().port("metrics"))) {
                assertEquals(200, c.send(RawHttp.get("x", "/healthz")).read().status());
            }
        }
    }

    @Test
    void aProxyNodeDropsTheSeriesOfARouteTheControlPlaneRemoved() throws Exception {
        String gone = "b5e6f7a8c9.berth.localhost";
        try (TestBackend backend = new TestBackend();
             ProxyNode node = new ProxyNode(new ProxyNode.Settings(ProxyConfig.builder()
                     .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                     .entrypoint(Entrypoint.metrics("metrics", "127.0.0.1", 0))
                     .eventLoopThreads(1).build(), null, List.of(), RouteWatcher.Options.defaults("m"), null))) {
            node.start();
            node.routes().set(RouteTable.of(1, List.of(new Route(RouteKey.http(HOST), "i1", backend.endpoint()),
                    new Route(RouteKey.http(gone), "i2", backend.endpoint()))));
            try (RawHttp c = new RawHttp(node.server().port("web"))) {
                assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
                assertEquals(200, c.send(RawHttp.get(gone.toUpperCase(), "/hello")).read().status());
            }
            node.routes().set(RouteTable.of(2, List.of(new Route(RouteKey.http(HOST), "i1", backend.endpoint()))));
            PrometheusMetrics metrics = (PrometheusMetrics) node.metrics();
            long later = System.nanoTime() + 2 * PrometheusMetrics.PRUNE_INTERVAL.toNanos();
            metrics.pruneRoutes(later);
            assertTrue(PrometheusText.parse(scrape(node)).has("berth_proxy_requests_total", "route", gone, "code", "200"),
                    "scraped once more after its route left");
            metrics.pruneRoutes(later + PrometheusMetrics.PRUNE_INTERVAL.toNanos());
            PrometheusText m = PrometheusText.parse(scrape(node));
            assertFalse(m.has("berth_proxy_requests_total", "route", gone, "code", "200"));
            assertEquals(1, m.value("berth_proxy_requests_total", "route", HOST, "code", "200"));
        }
    }

    static String scrape(ProxyNode node) throws Exception {
        try (RawHttp c = new RawHttp(node.server().port("metrics"))) {
            RawHttp.Response r = c.send(RawHttp.get("metrics", "/metrics")).read();
            assertEquals(200, r.status());
            assertTrue(r.header("content-type").startsWith("text/plain; version=0.0.4"));
            return r.text();
        }
    }

    /** Open connections of the web entrypoint, or -1 while a scrape fails. */
    static double openConnections(ProxyNode node) {
        try {
            return PrometheusText.parse(scrape(node)).value("berth_proxy_open_connections", "entrypoint", "web");
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }
}
