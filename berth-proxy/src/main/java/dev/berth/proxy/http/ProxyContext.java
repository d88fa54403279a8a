package dev.berth.proxy.http;

import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.routing.RouteTableHolder;

/** What every connection of one proxy server shares: config, routes, backend pools, metrics, its Via. */
record ProxyContext(ProxyConfig config, RouteTableHolder routes, BackendPool pool, ProxyMetrics metrics,
                    AccessLog accessLog, ViaLoopGuard via) {
}
