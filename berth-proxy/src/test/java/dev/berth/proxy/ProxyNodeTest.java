package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.testutil.Await;
import dev.berth.proxy.testutil.FakeRouteService;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import dev.berth.proxy.watch.RouteCache;
import dev.berth.proxy.watch.RouteWatcher;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProxyNodeTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";
    static final RouteWatcher.Options FAST = new RouteWatcher.Options("node-test",
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(10));

    @TempDir
    Path dir;

    static ProxyConfig config() {
        return ProxyConfig.builder().entrypoint(Entrypoint.http("web", "127.0.0.1", 0)).eventLoopThreads(1).build();
    }

    @Test
    void learnsRoutesFromAControllerThenRestartsWithNoControllerReachable() throws Exception {
        Path cacheFile = dir.resolve("routes.json");
        try (TestBackend backend = new TestBackend()) {
            // First life: a controller tells it the route, which gets cached.
            try (FakeRouteService svc = new FakeRouteService("ctl-" + UUID.randomUUID())) {
                svc.onWatch(req -> List.of(RouteProtos.fullUpdate(3,
                        List.of(new Route(RouteKey.http(HOST), "inst-1", backend.endpoint())))));
                ManagedChannel ch = svc.channel();
                try (ProxyNode node = new ProxyNode(new ProxyNode.Settings(config(), cacheFile, List.of(ch), FAST, null))) {
                    node.start();
                    Await.until("route", () -> node.table().version() == 3);
                    try (RawHttp c = new RawHttp(node.server().httpPort())) {
                        assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
                    }
                } finally {
                    ch.shutdownNow();
                }
            }
            assertEquals(3, new RouteCache(cacheFile).load().orElseThrow().version());

            // Second life: every controller is gone. It routes from the cache anyway.
            ManagedChannel nowhere = InProcessChannelBuilder.forName("no-such-controller-" + UUID.randomUUID())
                    .directExecutor().build();
            try (ProxyNode node = new ProxyNode(new ProxyNode.Settings(config(), cacheFile, List.of(nowhere), FAST, null))) {
                node.start();
                try (RawHttp c = new RawHttp(node.server().httpPort())) {
                    RawHttp.Response r = c.send(RawHttp.get(HOST, "/hello")).read();
                    assertEquals(200, r.status());
                    assertEquals("hello from backend", r.text());
                }
                Thread.sleep(300); // several failed reconnects later
                assertEquals(3, node.table().version());
                assertEquals(1, node.table().size());
            } finally {
                nowhere.shutdownNow();
            }
            RouteTable after = new RouteCache(cacheFile).load().orElseThrow();
            assertEquals(3, after.version(), "an unreachable controller never clears the cache");
        }
    }

    @Test
    void servesTheControlPlanesCertificateFromItsCacheWhenNoControllerAnswers() throws Exception {
        Path cacheFile = dir.resolve("routes.json");
        var ca = dev.berth.testing.TestCertificates.ca("Node CA");
        var issued = dev.berth.testing.TestCertificates.leaf(ca, "*.berth.localhost");
        var client = dev.berth.testing.TlsClients.trusting(ca.cert());
        ProxyConfig https = ProxyConfig.builder().entrypoint(Entrypoint.https("websecure", "127.0.0.1", 0))
                .tls(new dev.berth.proxy.http.TlsConfig(List.of(), Duration.ZERO, true)).eventLoopThreads(1).build();
        try (TestBackend backend = new TestBackend()) {
            try (FakeRouteService svc = new FakeRouteService("ctl-" + UUID.randomUUID())) {
                svc.onWatch(req -> List.of(RouteProtos.fullUpdate(8, List.of(new Route(RouteKey.http(HOST), "inst-1", backend.endpoint())),
                        List.of(dev.berth.proxy.testutil.ServingCerts.of("wildcard", issued)))));
                ManagedChannel ch = svc.channel();
                try (ProxyNode node = new ProxyNode(new ProxyNode.Settings(https, cacheFile, List.of(ch), FAST, null))) {
                    node.start();
                    Await.until("table with the certificate", () -> node.table().version() == 8);
                } finally {
                    ch.shutdownNow();
                }
            }
            ManagedChannel nowhere = InProcessChannelBuilder.forName("no-such-controller-" + UUID.randomUUID())
                    .directExecutor().build();
            try (ProxyNode node = new ProxyNode(new ProxyNode.Settings(https, cacheFile, List.of(nowhere), FAST, null))) {
                node.start();
                int port = node.server().port("websecure");
                try (var tls = dev.berth.testing.TlsClients.connect(client, port, HOST, 10_000);
                     RawHttp c = new RawHttp(tls)) {
                    assertEquals(issued.cert(), tls.getSession().getPeerCertificates()[0], "the cached certificate");
                    assertEquals("hello from backend", c.send(RawHttp.get(HOST, "/hello")).read().text());
                }
            } finally {
                nowhere.shutdownNow();
            }
        }
    }
}
