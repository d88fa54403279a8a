package dev.berth.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a plain socket with a chosen Host header, read to the end:
 * exactly what curl -H 'Host: ...' sends to a proxy.
 */
public final class RawHttp {
    public record Response(int status, String head, String body) {
    }

    private RawHttp() {
    }

    public static Response get(String host, int port, String hostHeader, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(15000);
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\nUser-Agent: berth-it\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String all = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
            int split = all.indexOf("\r\n\r\n");
            String head = split < 0 ? all : all.substring(0, split);
            String body = split < 0 ? "" : all.substring(split + 4);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new Response(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int eol = body.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
