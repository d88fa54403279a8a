package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpHardeningTest {
    static final String HOST = "a3f4b92c8d.berth.localhost";
    static final String STUCK = "stuck.berth.localhost";

    TestBackend backend;
    ServerSocket stuck;
    final List<Socket> backlogFillers = new ArrayList<>();
    ProxyServer proxy;
    int port;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend();
        // A listener that never accepts, its backlog filled: further SYNs are dropped, so connects time out.
        stuck = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket();
            try {
                s.connect(stuck.getLocalSocketAddress(), 200);
                backlogFillers.add(s);
            } catch (Exception e) {
                s.close();
            }
        }
        RouteTableHolder routes = new RouteTableHolder(RouteTable.of(1, List.of(
                new Route(RouteKey.http(HOST), "inst-1", backend.endpoint()),
                new Route(RouteKey.http(STUCK), "inst-2", new Endpoint("127.0.0.1", stuck.getLocalPort())))));
        proxy = new ProxyServer(ProxyConfig.builder()
                .entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .eventLoopThreads(1)
                .connectTimeout(Duration.ofMillis(300))
                .backendTimeout(Duration.ofMillis(500))
                .requestHeaderTimeout(Duration.ofMillis(400))
                .idleTimeout(Duration.ofMillis(800))
                .maxHeaderSize(4096)
                .maxInitialLineLength(1024)
                .maxRequestBodyBytes(10_000)
                .build(), routes);
        proxy.start();
        port = proxy.httpPort();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
        for (Socket s : backlogFillers) {
            s.close();
        }
        stuck.close();
    }

    RawHttp.Response once(String raw) throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            return c.send(raw).read();
        }
    }

    @Test
    void conflictingContentLengthAndTransferEncodingIs400AndCloses() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(c.closedByPeer(), "a smuggling attempt must not leave the connection open");
        }
        assertEquals(0, backend.requests.get());
    }

    @Test
    void differingDuplicateContentLengthsAre400() throws Exception {
        assertEquals(400, once("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd").status());
    }

    @Test
    void bareLineFeedsAre400() throws Exception {
        assertEquals(400, once("GET /hello HTTP/1.1\nHost: " + HOST + "\n\n").status());
    }

    @Test
    void malformedChunkedBodyIs400AndCloses() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\nGET /hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(c.closedByPeer(), "after a body that cannot be framed the next request cannot be found");
        }
    }

    @Test
    void transferEncodingWithoutFinalChunkedIs400() throws Exception {
        assertEquals(400, once("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: gzip\r\n\r\nabc").status());
    }

    @Test
    void otherHttpVersionsAre505() throws Exception {
        assertEquals(505, once("GET /hello HTTP/2.0\r\nHost: " + HOST + "\r\n\r\n").status());
    }

    @Test
    void oversizedHeaderBlockIs431() throws Exception {
        String big = "x".repeat(5000);
        assertEquals(431, once("GET /hello HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + big + "\r\n\r\n").status());
    }

    @Test
    void oversizedRequestLineIs414() throws Exception {
        assertEquals(414, once("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").status());
    }

    @Test
    void missingRepeatedOrInvalidHostIs400() throws Exception {
        assertEquals(400, once("GET /hello HTTP/1.1\r\n\r\n").status());
        assertEquals(400, once("GET /hello HTTP/1.0\r\n\r\n").status());
        assertEquals(400, once("GET /hello HTTP/1.1\r\nHost: " + HOST + "\r\nHost: other\r\n\r\n").status());
        assertEquals(400, once("GET /hello HTTP/1.1\r\nHost: bad<script>\r\n\r\n").status());
        assertEquals(400, once("GET /hello HTTP/1.1\r\nHost: a..b\r\n\r\n").status());
    }

    @Test
    void absoluteFormMustMatchHost() throws Exception {
        assertEquals(400, once("GET http://evil.example.com/hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").status());
        assertEquals(400, once("GET http://user@" + HOST + "/hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").status());
        assertEquals(400, once("GET hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").status());
        assertEquals(405, once("CONNECT " + HOST + ":443 HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").status());
        RawHttp.Response ok = once("GET http://" + HOST + ":80/headers?q=1 HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        assertEquals(200, ok.status());
        assertEquals("/headers?q=1", HttpProxyTest.field(ok.text(), "uri"), "rewritten to origin-form for the backend");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        assertEquals(413, once("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 20000\r\n\r\n").status());
        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "z".repeat(4000);
            RawHttp.Response r = null;
            for (int i = 0; i < 4 && r == null; i++) {
                try {
                    c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                } catch (java.io.IOException closed) {
                    break;
                }
            }
            r = c.readHead();
            // The backend echo may have started answering before the limit was hit; either way the
            // client must not get the whole body through.
            assertTrue(r.status() == 413 || r.status() == 200, "status " + r.status());
            assertTrue(c.closedByPeerAfterDraining());
        }
    }

    @Test
    void a413ReachesAClientStillSendingItsBody() throws Exception {
        assertAnswerOutlivesTheUpload(port, HOST, "/echo", 1 << 20, 413);
    }

    /**
     * A response that comes before the client has sent its whole body must reach it, followed by a
     * clean end. Closing on the unread body at once makes the kernel reset the connection, and the
     * reset can wipe the response from the client's buffers before it is read; repeated because that
     * is a race.
     */
    static void assertAnswerOutlivesTheUpload(int port, String host, String path, int bodyBytes, int status)
            throws Exception {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n";
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < 20; i++) {
            try (RawHttp c = new RawHttp(port)) {
                Thread upload = Thread.ofVirtual().start(() -> {
                    try {
                        c.send(head).send(body);
                    } catch (java.io.IOException refused) {
                        // expected once the proxy stops reading
                    }
                });
                RawHttp.Response r = c.read();
                assertEquals(status, r.status());
                assertEquals("close", r.header("connection"));
                assertEquals(0, c.readSome(1).length, "the connection ends with a FIN after the response, not a reset");
                upload.join();
            }
        }
    }

    @Test
    void stalledBackendIs504AfterTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        RawHttp.Response r = once(RawHttp.get(HOST, "/slow?ms=3000"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.status());
        assertTrue(ms >= 450 && ms < 2500, "took " + ms + " ms");
    }

    @Test
    void backendConnectTimeoutIs504() throws Exception {
        long t0 = System.nanoTime();
        RawHttp.Response r = once(RawHttp.get(STUCK, "/"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // 504 when the SYN is dropped (connect timeout); some kernels complete the handshake into the
        // backlog anyway, and then the backend timeout answers 504 too.
        assertEquals(504, r.status());
        assertTrue(ms < 2500, "took " + ms + " ms");
    }

    @Test
    void slowlorisHeadersGet408() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            long t0 = System.nanoTime();
            c.send("GET /hello HTTP/1.1\r\nHost: " + HOST + "\r\n");
            for (int i = 0; i < 3; i++) {
                Thread.sleep(100);
                c.send("X-Slow-" + i + ": y\r\n");
            }
            RawHttp.Response r = c.read();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(ms < 1500, "took " + ms + " ms");
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedQuietly() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            assertEquals(200, c.send(RawHttp.get(HOST, "/hello")).read().status());
            long t0 = System.nanoTime();
            assertTrue(c.closedByPeer(), "closed without a response");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 600 && ms < 3000, "took " + ms + " ms");
        }
        try (RawHttp c = new RawHttp(port)) {
            assertTrue(c.closedByPeer(), "a connection that never sends is closed too");
        }
    }
}
