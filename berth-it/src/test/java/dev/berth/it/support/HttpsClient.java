package dev.berth.it.support;

import dev.berth.testing.TlsClients;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS to a proxy the way a browser does it: SNI and the certificate's name checked against
 * one trusted CA, then HTTP/1.1 keep-alive requests on that one connection.
 */
public final class HttpsClient {
    private final SSLContext context;

    public HttpsClient(X509Certificate trustedCa) {
        context = TlsClients.trusting(trustedCa);
    }


    public record Response(int status, String body) {
    }

    /** One TLS connection; {@link #get} may be called on it again and again (keep-alive). */
    public final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;

        Connection(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        /** The certificate the proxy presented. */
        public X509Certificate served() {
            try {
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                throw new IllegalStateException(e);
            }
        }

        public Response get(String host, String path) throws IOException {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: berth-it\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = line();
            if (status == null) {
                throw new IOException("connection closed before a response");
            }
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            }
            return new Response(code, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects to {@code port} on loopback with {@code sni} and completes the handshake (or throws). */
    public Connection connect(int port, String sni) throws IOException {
        return new Connection(TlsClients.connect(context, port, sni, 15_000, "http/1.1"));
    }

    /** The certificate a fresh connection gets for {@code sni}; an IOException when the handshake fails. */
    public X509Certificate served(int port, String sni) {
        try (Connection c = connect(port, sni)) {
            return c.served();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
