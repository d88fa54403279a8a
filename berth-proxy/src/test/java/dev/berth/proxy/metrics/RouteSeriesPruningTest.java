package dev.berth.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testing.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Request series of routes that left the table are dropped after a whole prune interval, on a
 * made-up clock; until then their last counts are still scraped, and a route that comes back keeps them.
 */
class RouteSeriesPruningTest {
    private static final long MINUTE = PrometheusMetrics.PRUNE_INTERVAL.toNanos();
    private final Set<String> table = new HashSet<>(Set.of("a.ctf.example.com", "b.ctf.example.com", "c.ctf.example.com"));
    private final PrometheusMetrics metrics = new PrometheusMetrics().routedBy(table::contains);

    private Set<String> routesInScrape() {
        PrometheusText m = PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
        Set<String> routes = new HashSet<>();
        for (String route : new String[] {"a.ctf.example.com", "b.ctf.example.com", "c.ctf.example.com", "-"}) {
            if (m.has("berth_proxy_requests_total", "route", route, "code", "200")
                    || m.has("berth_proxy_requests_total", "route", route, "code", "404")) {
                routes.add(route);
            }
        }
        return routes;
    }

    @Test
    void aRouteGoneForAWholeIntervalLosesItsSeriesAndOneThatCameBackKeepsThem() {
        long t0 = System.nanoTime() + 2 * MINUTE; // past the interval that started with the metrics
        metrics.request("a.ctf.example.com", 200, 1_000);
        metrics.request("b.ctf.example.com", 200, 1_000);
        metrics.request("c.ctf.example.com", 200, 1_000);
        metrics.request("-", 404, 1_000);
        table.remove("b.ctf.example.com");
        table.remove("c.ctf.example.com");

        metrics.pruneRoutes(t0); // b and c are marked, not dropped: their last counts are still scraped
        assertEquals(Set.of("a.ctf.example.com", "b.ctf.example.com", "c.ctf.example.com", "-"), routesInScrape());

        table.add("c.ctf.example.com"); // c's instance came back under the same name
        metrics.pruneRoutes(t0 + MINUTE / 2); // too soon: nothing happens
        assertTrue(routesInScrape().contains("b.ctf.example.com"));

        metrics.pruneRoutes(t0 + MINUTE);
        assertEquals(Set.of("a.ctf.example.com", "c.ctf.example.com", "-"), routesInScrape(),
                "b dropped; a and c routed; unmatched hosts ('-') are one series for good");
        metrics.request("c.ctf.example.com", 200, 1_000);
        assertEquals(2, PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8))
                .value("berth_proxy_requests_total", "route", "c.ctf.example.com", "code", "200"), "c kept its count");
        assertFalse(routesInScrape().contains("b.ctf.example.com"));
    }
}
