package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.EchoServers;
import dev.berth.proxy.testutil.RawHttp;
import dev.berth.proxy.testutil.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WebSocketProxyTest {
    @Test
    void webSocketUpgradeIsPassedThrough() throws Exception {
        try (EchoServers servers = new EchoServers(); TestBackend http = new TestBackend()) {
            int wsPort = servers.webSocketEcho();
            // The JDK client sends Host: 127.0.0.1:port and cannot override it, so route on that name.
            RouteTableHolder routes = new RouteTableHolder(RouteTable.of(1, List.of(
                    new Route(RouteKey.http("127.0.0.1"), "ws", new Endpoint("127.0.0.1", wsPort)),
                    new Route(RouteKey.http("plain.berth.localhost"), "http", http.endpoint()))));
            try (ProxyServer proxy = new ProxyServer(ProxyConfig.builder()
                    .entrypoint(Entrypoint.http("web", "127.0.0.1", 0)).eventLoopThreads(1).build(), routes)) {
                proxy.start();
                LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
                WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + proxy.httpPort() + "/ws"), new WebSocket.Listener() {
                            final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.add(text.toString());
                                    text.setLength(0);
                                }
                                w.request(1);
                                return null;
                            }

                            final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

                            @Override
                            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                                byte[] b = new byte[data.remaining()];
                                data.get(b);
                                binary.writeBytes(b);
                                if (last) {
                                    received.add(binary.toByteArray());
                                    binary.reset();
                                }
                                w.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
                    assertEquals("echo: hello " + i, received.poll(5, TimeUnit.SECONDS));
                }
                byte[] blob = new byte[40_000];
                new java.util.Random(3).nextBytes(blob);
                ws.sendBinary(ByteBuffer.wrap(blob), true).get(5, TimeUnit.SECONDS);
                org.junit.jupiter.api.Assertions.assertArrayEquals(blob, (byte[]) received.poll(5, TimeUnit.SECONDS));
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

                // A Connection: upgrade to a plain HTTP backend that does not switch is just HTTP.
                try (RawHttp c = new RawHttp(proxy.httpPort())) {
                    RawHttp.Response r = c.send("GET /hello HTTP/1.1\r\nHost: plain.berth.localhost\r\n"
                            + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();
                    assertEquals(200, r.status());
                    assertEquals("hello from backend", r.text());
                }
            }
        }
    }
}
