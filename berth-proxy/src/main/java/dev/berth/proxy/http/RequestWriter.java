package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the request that goes to a backend, straight into one buffer: the client's request
 * line and fields as decoded, minus the hop-by-hop ones (RFC 9110 7.6.1), plus the forwarding
 * fields. The decoded request is never modified, so a retry writes the same bytes again. Bodies
 * keep the client's framing: chunked when the request says so, else as they are.
 */
final class RequestWriter {
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final byte[] CONNECTION_UPGRADE = ascii("connection: upgrade\r\n");
    private static final byte[] XFF = ascii("x-forwarded-for: ");
    private static final byte[] X_REAL_IP = ascii("x-real-ip: ");
    private static final byte[] X_PROTO = ascii("x-forwarded-proto: ");
    private static final byte[] X_HOST = ascii("x-forwarded-host: ");
    private static final byte[] LAST_CHUNK = ascii("0\r\n");

    private RequestWriter() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The request head. {@code upgrade}: a WebSocket handshake, whose Connection: upgrade and
     * Upgrade fields survive.
     */
    static ByteBuf head(ByteBufAllocator alloc, HttpRequest req, boolean upgrade, String clientIp, String scheme,
                        String originalHost) {
        HttpHeaders h = req.headers();
        List<String> named = connectionTokens(h);
        String xff = null;
        ByteBuf out = alloc.buffer(256 + 64 * h.size());
        ByteBufUtil.copy(req.method().asciiName(), out);
        out.writeByte(' ');
        String uri = req.uri();
        out.writeCharSequence(uri.isEmpty() ? "/" : uri, StandardCharsets.UTF_8);
        out.writeByte(' ');
        out.writeCharSequence(req.protocolVersion().text(), StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            switch (kind(name)) {
                case HOP -> {
                    continue;
                }
                case UPGRADE -> {
                    if (!upgrade) {
                        continue;
                    }
                }
                case XFF -> {
                    if (named == null || !isNamed(name, named, upgrade)) {
                        String v = e.getValue().toString();
                        xff = xff == null ? v : xff + ", " + v; // one list, however many fields carried it
                    }
                    continue;
                }
                case FORWARDING -> {
                    continue; // replaced below
                }
                case FRAMING -> {
                    // never dropped, even when named in Connection
                }
                default -> {
                    if (named != null && isNamed(name, named, upgrade)) {
                        continue;
                    }
                }
            }
            writeField(out, name, e.getValue());
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        // X-Forwarded-For is appended to, so a chain of proxies stays visible.
        out.writeBytes(XFF);
        if (xff != null && !xff.isBlank()) {
            out.writeCharSequence(xff, StandardCharsets.US_ASCII);
            out.writeByte(',').writeByte(' ');
        }
        out.writeCharSequence(clientIp, StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
        out.writeBytes(X_REAL_IP);
        out.writeCharSequence(clientIp, StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
        out.writeBytes(X_PROTO);
        out.writeCharSequence(scheme, StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
        if (originalHost != null) {
            out.writeBytes(X_HOST);
            out.writeCharSequence(originalHost, StandardCharsets.US_ASCII);
            out.writeShort(ResponseParser.CRLF_SHORT);
        }
        out.writeShort(ResponseParser.CRLF_SHORT);
        return out;
    }

    /** Whether the request body goes chunked (it came so, or an h2 stream without a length). */
    static boolean chunked(HttpRequest req) {
        return HttpUtil.isTransferEncodingChunked(req);
    }

    /**
     * A piece of request body, framed for the backend; consumes (releases) {@code c}. Returns
     * null when there is nothing to write.
     */
    static ByteBuf body(ByteBufAllocator alloc, HttpContent c, boolean chunked) {
        ByteBuf content = c.content();
        boolean last = c instanceof LastHttpContent;
        if (!chunked) {
            if (content.isReadable()) {
                return content; // ownership moves with it
            }
            c.release();
            return null;
        }
        int n = content.readableBytes();
        HttpHeaders trailers = last ? ((LastHttpContent) c).trailingHeaders() : null;
        ByteBuf out = alloc.buffer(n + 32 + (trailers == null ? 0 : 64 * trailers.size()));
        if (n > 0) {
            out.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
            out.writeShort(ResponseParser.CRLF_SHORT);
            out.writeBytes(content, content.readerIndex(), n);
            out.writeShort(ResponseParser.CRLF_SHORT);
        }
        if (last) {
            out.writeBytes(LAST_CHUNK);
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                writeField(out, e.getKey(), e.getValue());
            }
            out.writeShort(ResponseParser.CRLF_SHORT);
        }
        c.release();
        if (!out.isReadable()) {
            out.release();
            return null;
        }
        return out;
    }

    private static void writeField(ByteBuf out, CharSequence name, CharSequence value) {
        // As Netty's encoder does: names and values as US-ASCII.
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.COLON_SP_SHORT);
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
        out.writeShort(ResponseParser.CRLF_SHORT);
    }

    private enum Kind { OTHER, HOP, UPGRADE, XFF, FORWARDING, FRAMING }

    private static Kind kind(CharSequence n) {
        switch (n.length()) {
            case 2 -> {
                return eq(n, HttpHeaderNames.TE) ? Kind.HOP : Kind.OTHER;
            }
            case 4 -> {
                return eq(n, HttpHeaderNames.HOST) ? Kind.FRAMING : Kind.OTHER;
            }
            case 7 -> {
                return eq(n, HttpHeaderNames.TRAILER) ? Kind.HOP : eq(n, HttpHeaderNames.UPGRADE) ? Kind.UPGRADE : Kind.OTHER;
            }
            case 9 -> {
                return eq(n, ProxyHeaders.X_REAL_IP) ? Kind.FORWARDING : Kind.OTHER;
            }
            case 10 -> {
                return eq(n, HttpHeaderNames.CONNECTION) || eq(n, HttpHeaderNames.KEEP_ALIVE) ? Kind.HOP : Kind.OTHER;
            }
            case 14 -> {
                return eq(n, HttpHeaderNames.CONTENT_LENGTH) ? Kind.FRAMING : Kind.OTHER;
            }
            case 15 -> {
                return eq(n, ProxyHeaders.X_FORWARDED_FOR) ? Kind.XFF : Kind.OTHER;
            }
            case 16 -> {
                return eq(n, ProxyHeaders.X_FORWARDED_HOST) || eq(n, PROXY_CONNECTION) ? (eq(n, PROXY_CONNECTION) ? Kind.HOP
                        : Kind.FORWARDING) : Kind.OTHER;
            }
            case 17 -> {
                return eq(n, ProxyHeaders.X_FORWARDED_PROTO) ? Kind.FORWARDING
                        : eq(n, HttpHeaderNames.TRANSFER_ENCODING) ? Kind.FRAMING : Kind.OTHER;
            }
            case 19 -> {
                return eq(n, HttpHeaderNames.PROXY_AUTHORIZATION) ? Kind.HOP : Kind.OTHER;
            }
            default -> {
                return Kind.OTHER;
            }
        }
    }

    private static boolean eq(CharSequence name, AsciiString lower) {
        return lower.contentEqualsIgnoreCase(name);
    }

    /** Field names listed in Connection (lower-case), or null when it lists none beyond keep-alive. */
    private static List<String> connectionTokens(HttpHeaders h) {
        List<String> named = null;
        for (Iterator<String> it = h.valueStringIterator(HttpHeaderNames.CONNECTION); it.hasNext(); ) {
            String value = it.next();
            if (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(value)) {
                continue;
            }
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    if (named == null) {
                        named = new ArrayList<>(2);
                    }
                    named.add(t.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return named;
    }

    private static boolean isNamed(CharSequence name, List<String> named, boolean upgrade) {
        for (String t : named) {
            if (t.length() == name.length() && AsciiString.contentEqualsIgnoreCase(t, name)) {
                return !(upgrade && HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(t));
            }
        }
        return false;
    }
}
