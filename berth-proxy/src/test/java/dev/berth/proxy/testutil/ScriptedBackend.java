package dev.berth.proxy.testutil;

import dev.berth.model.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that misbehaves on purpose: reads one request head per connection, writes fixed bytes, closes. */
public final class ScriptedBackend implements AutoCloseable {
    private final ServerSocket server;
    public final AtomicInteger connections = new AtomicInteger();

    public ScriptedBackend(String response) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, response));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void serve(Socket s, String response) {
        try (s) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                head.write(c);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        } catch (IOException ignored) {
            // the test decides what a dead peer means
        }
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
