package dev.berth.proxy.testutil;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.model.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP backend on 127.0.0.1:0 (the JDK's server, so the proxy is tested against someone else's HTTP). */
public final class TestBackend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    public final AtomicInteger requests = new AtomicInteger();

    public TestBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port());
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            URI u = ex.getRequestURI();
            Map<String, String> q = query(u);
            switch (u.getPath()) {
                case "/hello" -> {
                    ex.getRequestBody().readAllBytes();
                    ex.getResponseHeaders().add("X-Backend", "test");
                    send(ex, 200, "hello from backend");
                }
                case "/headers" -> {
                    ex.getRequestBody().readAllBytes();
                    StringBuilder b = new StringBuilder();
                    b.append("method: ").append(ex.getRequestMethod()).append('\n');
                    b.append("uri: ").append(u).append('\n');
                    b.append("remote-port: ").append(ex.getRemoteAddress().getPort()).append('\n');
                    new TreeMap<>(ex.getRequestHeaders()).forEach((k, vs) ->
                            vs.forEach(v -> b.append(k.toLowerCase()).append(": ").append(v).append('\n')));
                    send(ex, 200, b.toString());
                }
                case "/echo" -> {
                    // Echo as it arrives: proves the proxy streams both ways instead of aggregating.
                    ex.sendResponseHeaders(200, 0);
                    try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
                        byte[] buf = new byte[16384];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    }
                }
                case "/big" -> {
                    ex.getRequestBody().readAllBytes();
                    long n = Long.parseLong(q.getOrDefault("n", "1048576"));
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        byte[] chunk = new byte[8192];
                        long sent = 0;
                        while (sent < n) {
                            int len = (int) Math.min(chunk.length, n - sent);
                            for (int i = 0; i < len; i++) {
                                chunk[i] = pattern(sent + i);
                            }
                            out.write(chunk, 0, len);
                            sent += len;
                        }
                    }
                }
                case "/slow" -> {
                    ex.getRequestBody().readAllBytes();
                    try {
                        Thread.sleep(Long.parseLong(q.getOrDefault("ms", "1000")));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    send(ex, 200, "slow");
                }
                case "/status" -> {
                    ex.getRequestBody().readAllBytes();
                    int code = Integer.parseInt(q.getOrDefault("code", "200"));
                    send(ex, code, "status " + code);
                }
                default -> send(ex, 404, "backend has no " + u.getPath());
            }
        }
    }

    public static byte pattern(long i) {
        return (byte) ('a' + (i * 31 + (i >>> 13)) % 26);
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> m = new TreeMap<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
