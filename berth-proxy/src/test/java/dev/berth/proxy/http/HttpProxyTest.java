package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.H2cClient;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import dev.berth.testing.Ports;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpProxyTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";
    static final String DEAD = "dead.berth.localhost";

    TestBackend backend;
    RouteTableHolder routes;
    ProxyServer proxy;
    int port;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend();
        routes = new RouteTableHolder(RouteTable.of(1, List.of(
                new Route(RouteKey.http(HOST), "inst-1", backend.endpoint()),
                new Route(RouteKey.http(DEAD), "inst-dead", new Endpoint("127.0.0.1", Ports.closed())))));
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .eventLoopThreads(2)
                .build(), routes);
        proxy.start();
        port = proxy.httpPort();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void anInstanceAnsweringBeforeTheUploadEndsIsHeard() throws Exception {
        // The test backend answers an unknown path with 404 without reading the body; the body is
        // bigger than the socket buffers between proxy and backend, so the answer comes mid-upload.
        HttpHardeningTest.assertAnswerOutlivesTheUpload(port, HOST, "/no-such-path", 16 << 20, 404);
    }

    @Test
    void proxiesBodyAndHeaders() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get(HOST, "/hello")).read();
            assertEquals(200, r.status());
            assertEquals("hello from backend", r.text());
            assertEquals("test", r.header("x-backend"));
            assertEquals("text/plain; charset=utf-8", r.header("content-type"));
        }
    }

    @Test
    void h2cWithPriorKnowledgeIsServedOnThePlainEntrypoint() throws Exception {
        try (H2cClient h2 = new H2cClient(port)) {
            H2cClient.Response hello = h2.send(HttpMethod.GET, HOST, "/hello", null);
            assertEquals(200, hello.status());
            assertEquals("hello from backend", hello.body());
            H2cClient.Response headers = h2.send(HttpMethod.GET, HOST, "/headers", null);
            assertTrue(headers.body().contains("x-forwarded-proto: http\n"), headers.body());
            assertFalse(headers.body().contains("x-http2"), headers.body());
            assertEquals("ping", h2.send(HttpMethod.POST, HOST, "/echo", "ping").body());
            assertEquals(404, h2.send(HttpMethod.GET, "unknown.berth.localhost", "/", null).status());
        }
        // A request whose first bytes look like the preface for a while is still HTTP/1.
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("PRIX /hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void keepAliveOnBothSides() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            String p1 = field(c.send(RawHttp.get(HOST, "/headers")).read().text(), "remote-port");
            String p2 = field(c.send(RawHttp.get(HOST + ":80", "/headers")).read().text(), "remote-port");
            assertEquals(p1, p2, "second request should reuse the pooled backend connection");
            // Pipelined: both requests in one write, answered in order.
            c.send(RawHttp.get(HOST, "/status?code=201") + RawHttp.get(HOST, "/status?code=202"));
            assertEquals(201, c.read().status());
            assertEquals(202, c.read().status());
            assertFalse(c.closedByPeerWithin(200));
        }
    }

    @Test
    void forwardedHeadersReachTheBackend() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            String h = c.send("GET /headers HTTP/1.1\r\nHost: " + HOST + ":8080\r\nConnection: keep-alive, X-Drop\r\n"
                    + "X-Drop: secret\r\nKeep-Alive: timeout=5\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n").read().text();
            assertEquals("203.0.113.9, 127.0.0.1", field(h, "x-forwarded-for"));
            assertEquals("127.0.0.1", field(h, "x-real-ip"));
            assertEquals("http", field(h, "x-forwarded-proto"));
            assertEquals(HOST + ":8080", field(h, "x-forwarded-host"));
            assertEquals(HOST + ":8080", field(h, "host"));
            assertNull(field(h, "x-drop"), "fields named in Connection are hop-by-hop");
            assertNull(field(h, "keep-alive"));
        }
    }

    @Test
    void streamsAChunkedUploadThroughAnEcho() throws Exception {
        byte[] payload = new byte[(1 << 20) + 12345];
        new Random(1).nextBytes(payload);
        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int off = 0; off < payload.length; off += 8192) {
                int n = Math.min(8192, payload.length - off);
                chunks.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                chunks.write(payload, off, n);
                chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            chunks.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.send(chunks.toByteArray());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            RawHttp.Response r = c.read();
            writer.join(10_000);
            assertEquals(200, r.status());
            assertEquals(payload.length, r.body().length);
            assertArrayEquals(sha256(payload), sha256(r.body()));
        }
    }

    @Test
    void streamsBothWaysWithoutBuffering() throws Exception {
        // Ping-pong over one request: each piece must come back before the next is sent, which
        // only works if neither direction is aggregated.
        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawHttp.Response head = null;
            for (int i = 0; i < 5; i++) {
                String piece = "piece-" + i;
                c.send(Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
                if (head == null) {
                    head = c.readHead();
                    assertEquals(200, head.status());
                }
                assertEquals(piece, new String(c.readChunk(), StandardCharsets.US_ASCII));
            }
            c.send("0\r\n\r\n");
        }
    }

    @Test
    void streamsALargeDownload() throws Exception {
        int n = 3 * 1024 * 1024 + 7;
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get(HOST, "/big?n=" + n)).read();
            assertEquals(200, r.status());
            assertEquals(n, r.body().length);
            for (int i = 0; i < n; i++) {
                if (r.body()[i] != TestBackend.pattern(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
            // The connection is still good afterwards.
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void unknownHostIs404NamingTheHost() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get("nope.berth.localhost", "/")).read();
            assertEquals(404, r.status());
            assertTrue(r.text().contains("nope.berth.localhost"), r.text());
            assertTrue(r.header("content-type").startsWith("text/plain"));
            // Keep-alive survives a 404 on a bodyless request.
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void aRouteBackToTheProxyItselfIs508AtOnce() throws Exception {
        routes.update(t -> t.apply(2, false, List.of(new Route(RouteKey.http("loop.berth.localhost"), "inst-loop",
                new Endpoint("127.0.0.1", port))), List.of()));
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get("loop.berth.localhost", "/")).read();
            // The first pass forwards it to itself; the second sees its own Via and answers 508,
            // which the first pass relays.
            assertEquals(508, r.status());
            assertTrue(r.text().contains("loop"), r.text());
        }
        try (RawHttp c = new RawHttp(port)) {
            String headers = c.send(RawHttp.get(HOST, "/headers")).read().text();
            assertTrue(headers.matches("(?s).*\nvia: 1\\.1 berth-[0-9a-f]{8}\n.*"), headers);
        }
    }

    @Test
    void deadBackendIs502() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get(DEAD, "/")).read();
            assertEquals(502, r.status());
            assertTrue(r.text().contains(DEAD));
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void http10AndConnectionCloseAreHonoured() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("GET /hello HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("hello from backend", r.text());
            assertTrue(c.closedByPeer());
        }
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("GET /hello HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("GET /hello HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("keep-alive", r.header("connection"));
            assertEquals(200, c.send("GET /hello HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n").read().status());
        }
    }

    @Test
    void headRequestsHaveNoBody() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("HEAD /hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void startingInstanceIs503WithRetryAfter() throws Exception {
        routes.update(t -> t.apply(5, false, List.of(new Route(RouteKey.http("soon.berth.localhost"), "i-soon", null)), List.of()));
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send(RawHttp.get("soon.berth.localhost", "/")).read();
            assertEquals(503, r.status());
            assertEquals("2", r.header("retry-after"));
            assertTrue(r.text().contains("starting"), r.text());
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status(), "connection kept");
        }
    }

    @Test
    void routeChangesApplyToTheNextRequest() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
            routes.update(t -> t.apply(2, false, List.of(), List.of(RouteKey.http(HOST))));
            assertEquals(404, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void backendStatusesPassThrough() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            assertEquals(503, c.send(RawHttp.get(HOST, "/status?code=503")).read().status());
            assertEquals(404, c.send(RawHttp.get(HOST, "/missing")).read().status());
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
        }
    }

    @Test
    void nioTransportWorksToo() throws Exception {
        try (ProxyServer nio = new ProxyServer(ProxyConfig.builder().entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .nativeTransport(false).eventLoopThreads(1).build(), routes)) {
            nio.start();
            assertEquals("nio", nio.transport().name());
            try (RawHttp c = new RawHttp(nio.httpPort())) {
                assertEquals("hello from backend", c.send(RawHttp.get(HOST, "/hello")).read().text());
                assertEquals(1_000_000, c.send(RawHttp.get(HOST, "/big?n=1000000")).read().body().length);
            }
        }
    }

    @Test
    void concurrentKeepAliveClients() throws Exception {
        int clients = 16;
        int perClient = 100;
        var errors = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
        var ports = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try (RawHttp c = new RawHttp(port)) {
                    for (int i = 0; i < perClient; i++) {
                        if (i % 2 == 0) {
                            String body = "c" + id + "-r" + i;
                            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: "
                                    + body.length() + "\r\n\r\n" + body).read();
                            assertEquals(body, r.text());
                        } else {
                            RawHttp.Response r = c.send(RawHttp.get(HOST, "/headers")).read();
                            assertEquals(200, r.status());
                            ports.add(field(r.text(), "remote-port"));
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertTrue(errors.isEmpty(), () -> errors.peek().toString());
        assertEquals(clients * perClient, backend.requests.get());
        // Pooled: far fewer backend connections than requests.
        assertTrue(ports.size() <= clients * 2, "backend connections: " + ports.size());
    }

    static String field(String text, String name) {
        for (String l : text.split("\n")) {
            if (l.startsWith(name + ": ")) {
                return l.substring(name.length() + 2);
            }
        }
        return null;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static Duration secs(int s) {
        return Duration.ofSeconds(s);
    }
}
