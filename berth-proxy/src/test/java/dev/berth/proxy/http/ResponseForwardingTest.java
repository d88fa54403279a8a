package dev.berth.proxy.http;

import static dev.berth.proxy.http.BackendBehaviourTest.proxyFor;
import static dev.berth.proxy.http.BackendBehaviourTest.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.ScriptedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How backend response heads and bodies reach HTTP/1 clients (they are copied, not re-encoded). */
@Timeout(30)
class ResponseForwardingTest {

    @Test
    void chunkedBodiesAndTrailersPassThrough() throws Exception {
        String body = "x".repeat(10_000);
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Trailer: X-Sum\r\n\r\n5;ext=1\r\nhello\r\n" + Integer.toHexString(body.length()) + "\r\n" + body
                + "\r\n0\r\nX-Sum: 42\r\n\r\n");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send(RawHttp.get("h.x", "/"));
            RawHttp.Response head = c.readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("transfer-encoding"));
            assertNull(head.header("trailer"), "hop-by-hop");
            // The rest, raw: chunks, the last chunk, the trailer section.
            StringBuilder raw = new StringBuilder();
            while (!raw.toString().endsWith("\r\n0\r\nX-Sum: 42\r\n\r\n")) {
                byte[] some = c.readSome(65536);
                assertTrue(some.length > 0, "ended early: " + raw);
                raw.append(new String(some, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            StringBuilder got = new StringBuilder();
            int pos = 0;
            while (true) {
                int eol = raw.indexOf("\r\n", pos);
                int n = Integer.parseInt(raw.substring(pos, eol).split(";")[0], 16);
                if (n == 0) {
                    break;
                }
                got.append(raw, eol + 2, eol + 2 + n);
                pos = eol + 2 + n + 2;
            }
            assertEquals("hello" + body, got.toString());
            assertEquals(200, c.send(RawHttp.get("h.x", "/")).read().status(), "the client connection stays usable");
        }
    }

    @Test
    void hopByHopAndConnectionNamedFieldsStopHere() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private\r\n"
                + "X-Private: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: x\r\nUpgrade: h2c\r\n"
                + "X-Public:   kept  \r\nContent-Length: 2\r\n\r\nok");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send(RawHttp.get("h.x", "/")).read();
            assertEquals("ok", r.text());
            assertEquals("kept", r.header("x-public"));
            for (String gone : new String[] {"connection", "x-private", "keep-alive", "proxy-connection", "upgrade"}) {
                assertNull(r.header(gone), gone);
            }
        }
    }

    @Test
    void contentLengthTogetherWithTransferEncodingIs502() throws Exception {
        // Either could be how the backend framed it; a wrong guess would desynchronize a pooled connection.
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send(RawHttp.get("h.x", "/")).read();
            assertEquals(502, r.status());
        }
    }

    @Test
    void untilCloseBodiesReachHttp10ClientsUntilClose() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.0 200 OK\r\nX-A: b\r\n\r\nuntil the end");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send("GET / HTTP/1.0\r\nHost: h.x\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertNull(r.header("transfer-encoding"));
            assertEquals("until the end", r.text());
        }
    }

    @Test
    void interimResponsesArriveBeforeTheFinalOne() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send(RawHttp.get("h.x", "/"));
            RawHttp.Response hints = c.read();
            assertEquals(103, hints.status());
            assertEquals("</s.css>; rel=preload", hints.header("link"));
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals("done", r.text());
        }
    }

    @Test
    void headResponsesKeepTheirLengthWithoutABody() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")) {
            try (ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
                 RawHttp c = new RawHttp(proxy.httpPort())) {
                RawHttp.Response r = c.send("HEAD / HTTP/1.1\r\nHost: h.x\r\n\r\n").read(true);
                assertEquals(200, r.status());
                assertEquals("1234", r.header("content-length"));
                assertEquals(404, c.send(RawHttp.get("unknown.x", "/")).read().status(), "nothing extra was sent");
            }
        }
    }

    @Test
    void localResponsesToHeadRequestsHaveNoBody() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send("HEAD / HTTP/1.1\r\nHost: unknown.x\r\n\r\n").read(true);
            assertEquals(404, r.status());
            assertTrue(Integer.parseInt(r.header("content-length")) > 0);
            assertEquals(404, c.send(RawHttp.get("unknown.x", "/")).read().status(), "no stray body in between");
        }
    }

    @Test
    void malformedHeadsAre502() throws Exception {
        String[] bad = {
                "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
                "HTTP/1.1 200 OK\r\nX: a\u0001\r\nContent-Length: 0\r\n\r\n",
        };
        for (String b : bad) {
            try (ScriptedBackend backend = new ScriptedBackend(b);
                 ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
                 RawHttp c = new RawHttp(proxy.httpPort())) {
                assertEquals(502, c.send(RawHttp.get("h.x", "/")).read().status(), b);
            }
        }
    }

    @Test
    void largeBodiesStreamIntact() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 300_000; i++) {
            b.append(i).append(',');
        }
        String body = b.toString();
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            assertEquals(body, new String(c.send(RawHttp.get("h.x", "/")).read().body(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void bytesThatFollowA101InTheSameWriteReachTheClient() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\nserver-speaks-first");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send("GET /ws HTTP/1.1\r\nHost: h.x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response head = c.readHead();
            assertEquals(101, head.status());
            assertEquals("upgrade", head.header("connection"));
            assertEquals("websocket", head.header("upgrade"));
            assertEquals("server-speaks-first", new String(c.readExactly(19), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aBackendThatStallsMidBodyIsCutAfterTheBackendTimeout() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             ProxyServer proxy = new ProxyServer(ProxyConfig.builder().entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                     .eventLoopThreads(1).backendTimeout(java.time.Duration.ofMillis(400)).build(),
                     route("h.x", new dev.berth.model.Endpoint("127.0.0.1", server.getLocalPort())))) {
            proxy.start();
            try (RawHttp c = new RawHttp(proxy.httpPort())) {
                c.send(RawHttp.get("h.x", "/"));
                try (java.net.Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".getBytes(
                            java.nio.charset.StandardCharsets.US_ASCII));
                    long t0 = System.nanoTime();
                    assertEquals(200, c.readHead().status());
                    assertTrue(c.closedByPeerAfterDraining(), "a cut response must look cut");
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms >= 300 && ms < 3000, "took " + ms + " ms");
                }
            }
        }
    }
}
