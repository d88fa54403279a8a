package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.Await;
import dev.berth.proxy.testutil.H2cClient;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import io.netty.handler.codec.http.HttpMethod;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A proxy told to stop lets what is under way finish, within its grace, and takes nothing new. */
@Timeout(60)
class GracefulShutdownTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";

    TestBackend backend;
    ProxyServer proxy;
    int port;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend();
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .eventLoopThreads(1)
                .build(), new RouteTableHolder(RouteTable.of(1, List.of(new Route(RouteKey.http(HOST), "i1", backend.endpoint())))));
        proxy.start();
        port = proxy.httpPort();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void exchangesUnderWayFinishIdleConnectionsCloseNewOnesAreRefused() throws Exception {
        try (RawHttp idle = new RawHttp(port); RawHttp busy = new RawHttp(port); H2cClient h2 = new H2cClient(port)) {
            assertEquals(200, idle.send(RawHttp.get(HOST, "/hello")).read().status());
            assertEquals(200, h2.send(HttpMethod.GET, HOST, "/hello", null).status());
            busy.send(RawHttp.get(HOST, "/slow?ms=1500"));
            CompletableFuture<H2cClient.Response> h2Slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return h2.send(HttpMethod.GET, HOST, "/slow?ms=1500", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("both slow requests at the backend", () -> backend.requests.get() == 4);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    proxy.shutdown(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(idle.closedByPeerWithin(10_000), "an idle keep-alive connection is closed at once");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "the listener is closed");

            RawHttp.Response r = busy.read();
            assertEquals(200, r.status());
            assertEquals("slow", r.text());
            assertEquals("close", r.header("connection"), "the client learns the connection ends with this response");
            assertTrue(busy.closedByPeer());
            assertEquals(200, h2Slow.get(10, TimeUnit.SECONDS).status(), "an HTTP/2 stream under way finishes too");
            stopped.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whatOutlastsTheGraceIsCut() throws Exception {
        try (RawHttp busy = new RawHttp(port)) {
            busy.send(RawHttp.get(HOST, "/slow?ms=20000"));
            Await.until("the request at the backend", () -> backend.requests.get() == 1);
            proxy.shutdown(Duration.ofMillis(300));
            assertTrue(busy.closedByPeer(), "cut without a response once the grace is over");
        }
    }
}
