package dev.berth.worker.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessProbeTest {
    private final ReadinessProbe probe = new ReadinessProbe();
    private ServerSocket server;
    private Thread serving;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
            serving.join(5_000);
        }
    }

    /** A tiny HTTP server answering every request with the statuses given, the last one repeated. */
    private int serve(int... statuses) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger n = new AtomicInteger();
        serving = Thread.ofVirtual().start(() -> {
            accept:
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    int c;
                    while ((c = in.read()) != '\n') {
                        if (c == -1) {
                            continue accept; // a TCP-only probe: connected and left
                        }
                    }
                    int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
                    s.getOutputStream().write(("HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private static ProbeSpec http(int port, Duration timeout) {
        return new ProbeSpec(List.of(new ProbeTarget("web", "127.0.0.1", port)), "/healthz", "x.test", timeout);
    }

    @Test
    void httpIsReadyOnceTheStatusIsBelow500() throws IOException {
        int port = serve(503, 502, 404);
        assertEquals(ProbeResult.isReady(), probe.await(http(port, Duration.ofSeconds(10)), Optional::empty));
    }

    @Test
    void httpKeepsFailingOn5xxUntilTheTimeout() throws IOException {
        int port = serve(500);
        ProbeResult r = probe.await(http(port, Duration.ofMillis(400)), Optional::empty);
        assertFalse(r.ready());
        assertEquals("readiness timed out after 400ms on port web (HTTP status 500)", r.reason());
    }

    @Test
    void stopsEarlyWhenTheAbortCheckSaysSo() {
        ProbeResult r = probe.await(http(1, Duration.ofSeconds(30)), () -> Optional.of("container exited with code 1"));
        assertEquals(ProbeResult.failed("container exited with code 1"), r);
    }

    @Test
    void tcpNeedsOnlyAConnection() throws IOException {
        int port = serve(500);
        ProbeSpec tcp = new ProbeSpec(List.of(new ProbeTarget("db", "127.0.0.1", port)), "", "", Duration.ofSeconds(5));
        assertTrue(probe.await(tcp, Optional::empty).ready());
    }
}
