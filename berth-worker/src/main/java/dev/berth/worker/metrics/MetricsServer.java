package dev.berth.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} on its own port, on the JDK's HTTP server; every other path is a 404 and
 * every other method a 405. Binds in the constructor, so a taken port fails at startup.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Supplier<byte[]> scrape;
    private final String contentType;

    /** @param bind where to listen; port 0 picks a free one (see {@link #port()}) */
    public MetricsServer(InetSocketAddress bind, String contentType, Supplier<byte[]> scrape) {
        this.scrape = scrape;
        this.contentType = contentType;
        try {
            server = HttpServer.create(bind, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + bind.getHostString() + ":" + bind.getPort()
                    + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public MetricsServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            respond(exchange);
        } catch (IOException e) {
            LOG.debug("could not answer a metrics request from {}", exchange.getRemoteAddress(), e);
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (!PATH.equals(path) && !(PATH + "/").equals(path)) {
            text(exchange, 404, "not found: metrics are at " + PATH + "\n");
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            text(exchange, 405, method + " is not allowed on " + PATH + "\n");
            return;
        }
        byte[] body;
        try {
            body = scrape.get();
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed", e);
            text(exchange, 500, "metrics scrape failed: " + e + "\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(method)) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
