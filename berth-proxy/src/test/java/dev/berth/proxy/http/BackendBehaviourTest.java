package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.ScriptedBackend;
import dev.berth.proxy.testutil.TestBackend;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BackendBehaviourTest {
    static ProxyServer proxyFor(RouteTableHolder routes) throws Exception {
        ProxyServer p = new ProxyServer(ProxyConfig.builder().entrypoint(Entrypoint.http("web", "127.0.0.1", 0))
                .eventLoopThreads(1).build(), routes);
        p.start();
        return p;
    }

    static RouteTableHolder route(String host, dev.berth.model.Endpoint e) {
        return new RouteTableHolder(RouteTable.of(1, List.of(new Route(RouteKey.http(host), "i", e))));
    }

    @Test
    void expectContinueIsRelayed() throws Exception {
        try (TestBackend backend = new TestBackend(); ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send("POST /echo HTTP/1.1\r\nHost: h.x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            RawHttp.Response interim = c.read();
            assertEquals(100, interim.status());
            RawHttp.Response r = c.send("hello").read();
            assertEquals(200, r.status());
            assertEquals("hello", r.text());
            assertEquals(200, c.send(RawHttp.get("h.x", "/hello")).read().status());
        }
    }

    @Test
    void aResponseCutShortLooksCutShort() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send(RawHttp.get("h.x", "/")).read();
            assertEquals(200, r.status());
            assertEquals("abc", r.text(), "the client sees a truncated body...");
            assertTrue(c.closedByPeer(), "...and a closed connection, never a hang");
        }
    }

    @Test
    void garbageFromTheBackendIs502() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("SSH-2.0-OpenSSH_9.6\r\n");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            assertEquals(502, c.send(RawHttp.get("h.x", "/")).read().status());
        }
    }

    @Test
    void readUntilCloseBodiesAreReframedAsChunked() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length here");
             ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send(RawHttp.get("h.x", "/")).read();
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("no length here", r.text());
            // The client connection stays usable; the backend one was not reused.
            assertEquals("no length here", c.send(RawHttp.get("h.x", "/")).read().text());
            assertEquals(2, backend.connections.get());
        }
    }
}
