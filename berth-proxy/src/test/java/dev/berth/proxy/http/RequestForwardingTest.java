package dev.berth.proxy.http;

import static dev.berth.proxy.http.BackendBehaviourTest.proxyFor;
import static dev.berth.proxy.http.BackendBehaviourTest.route;
import static dev.berth.proxy.http.HttpProxyTest.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request a backend gets (written as bytes from the decoded request, never re-encoded by Netty). */
@Timeout(30)
class RequestForwardingTest {

    @Test
    void hopByHopFieldsStopAndForwardingFieldsAreTheProxys() throws Exception {
        try (TestBackend backend = new TestBackend(); ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            String h = c.send("GET /headers?a=b%20c HTTP/1.1\r\nHost: h.x\r\nTE: trailers\r\nTrailer: X-T\r\n"
                    + "Proxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n"
                    + "Connection: Upgrade, X-Hop\r\nX-Hop: 1\r\nX-Real-IP: 198.51.100.1\r\nX-Forwarded-Proto: https\r\n"
                    + "X-Forwarded-Host: spoofed\r\nX-Forwarded-For: 203.0.113.1\r\nX-Forwarded-For: 203.0.113.2\r\n"
                    + "X-Kept: yes\r\n\r\n").read().text();
            assertEquals("GET", field(h, "method"));
            assertEquals("/headers?a=b%20c", field(h, "uri"));
            for (String gone : new String[] {"te", "trailer", "proxy-authorization", "proxy-connection", "upgrade", "connection",
                    "x-hop"}) {
                assertNull(field(h, gone), gone);
            }
            assertEquals("yes", field(h, "x-kept"));
            assertEquals("127.0.0.1", field(h, "x-real-ip"), "a client cannot choose its own address");
            assertEquals("http", field(h, "x-forwarded-proto"));
            assertEquals("h.x", field(h, "x-forwarded-host"));
            assertEquals("203.0.113.1, 203.0.113.2, 127.0.0.1", field(h, "x-forwarded-for"), "every hop listed, in order");
        }
    }

    @Test
    void chunkedUploadsKeepTheirFraming() throws Exception {
        try (TestBackend backend = new TestBackend(); ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: h.x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("hello world", r.text());
            RawHttp.Response r2 = c.send("POST /echo HTTP/1.1\r\nHost: h.x\r\nContent-Length: 3\r\n\r\nabc").read();
            assertEquals("abc", r2.text(), "the next request on the same connections");
        }
    }

    @Test
    void requestTrailersReachTheBackend() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ProxyServer proxy = proxyFor(route("h.x", new Endpoint("127.0.0.1", server.getLocalPort())));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            c.send("POST /up HTTP/1.1\r\nHost: h.x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 7\r\n\r\n");
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                StringBuilder got = new StringBuilder();
                InputStream in = s.getInputStream();
                while (!got.toString().endsWith("\r\n0\r\nX-Sum: 7\r\n\r\n")) {
                    int b = in.read();
                    assertTrue(b >= 0, "backend saw only: " + got);
                    got.append((char) b);
                }
                assertTrue(got.toString().contains("\r\n\r\n3\r\nabc\r\n0\r\n"), got.toString());
                s.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(204, c.read().status());
            }
        }
    }

    @Test
    void pipelinedRequestsWithBodiesAreAnsweredInOrder() throws Exception {
        try (TestBackend backend = new TestBackend(); ProxyServer proxy = proxyFor(route("h.x", backend.endpoint()));
             RawHttp c = new RawHttp(proxy.httpPort())) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String body = "body-" + i + "-" + "x".repeat(i * 3000);
                all.append(i % 2 == 0
                        ? "POST /echo HTTP/1.1\r\nHost: h.x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                        : "POST /echo HTTP/1.1\r\nHost: h.x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
            }
            c.send(all.toString());
            for (int i = 0; i < 5; i++) {
                assertEquals("body-" + i + "-" + "x".repeat(i * 3000), c.read().text(), "response " + i);
            }
        }
    }
}
