package dev.berth.proxy.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.model.Endpoint;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import dev.berth.proxy.http.ProxyServer;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import dev.berth.proxy.testutil.Await;
import dev.berth.proxy.testutil.EchoServers;
import dev.berth.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpProxyTest {
    @Test
    void tcpRoutesOpenListenersAndSpliceBytes() throws Exception {
        try (EchoServers servers = new EchoServers()) {
            int echo = servers.tcpEcho();
            int p1 = Ports.free();
            int p2 = Ports.free(); // never the same port twice
            int second = p2;
            int lo = Math.min(p1, p2);
            int hi = Math.max(p1, p2);
            RouteTableHolder routes = new RouteTableHolder(RouteTable.of(1, List.of(
                    new Route(RouteKey.tcp(p1), "i1", new Endpoint("127.0.0.1", echo)))));
            try (ProxyServer proxy = new ProxyServer(ProxyConfig.builder()
                    .entrypoint(Entrypoint.tcp("tcp", "127.0.0.1", lo, hi)).eventLoopThreads(2).build(), routes)) {
                proxy.start();
                assertEquals(Set.of(p1), proxy.tcpPorts("tcp"));

                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p1)) {
                    s.setSoTimeout(10_000);
                    byte[] payload = new byte[300_000];
                    new Random(7).nextBytes(payload);
                    Thread w = Thread.ofVirtual().start(() -> {
                        try {
                            s.getOutputStream().write(payload);
                            s.shutdownOutput(); // EOF travels through; the echo answers "bye" and closes
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    byte[] all = s.getInputStream().readAllBytes();
                    w.join();
                    assertEquals(payload.length + 3, all.length);
                    assertArrayEquals(payload, java.util.Arrays.copyOf(all, payload.length));
                    assertEquals("bye", new String(all, payload.length, 3, StandardCharsets.US_ASCII));
                }

                // A new route opens its port; removing one closes it.
                routes.update(t -> t.apply(2, false,
                        List.of(new Route(RouteKey.tcp(second), "i2", new Endpoint("127.0.0.1", echo))),
                        List.of(RouteKey.tcp(p1))));
                Await.until("ports follow routes", () -> proxy.tcpPorts("tcp").equals(Set.of(second)));
                Await.until("old port closed", () -> refused(p1));
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p2)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                }

                // A route to a dead backend: the client connection is closed, nothing hangs.
                int dead = Ports.closed();
                routes.update(t -> t.apply(3, false,
                        List.of(new Route(RouteKey.tcp(second), "i2", new Endpoint("127.0.0.1", dead))), List.of()));
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p2)) {
                    s.setSoTimeout(5_000);
                    assertEquals(-1, s.getInputStream().read());
                }
            }
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), p1).close());
        }
    }

    static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
