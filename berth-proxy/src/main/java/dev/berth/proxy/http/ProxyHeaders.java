package dev.berth.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * Header rules of a reverse proxy (RFC 9110 7.6.1): hop-by-hop fields stop here, forwarding
 * fields say who the client was ({@link RequestWriter} applies them to requests as it writes
 * them). Transfer-Encoding is kept: it frames the streamed body.
 */
final class ProxyHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";

    private ProxyHeaders() {
    }

    /**
     * Whether field {@code i} of a backend's response head stops at this hop: Connection and the
     * fields it names (except the framing and routing ones), Keep-Alive, Proxy-Connection, TE,
     * Trailer, Proxy-Authorization, and Upgrade unless the protocol switches. Content-Length goes
     * too when Transfer-Encoding is present (RFC 9112 6.3: it must not be forwarded then). The
     * request side of the same rules is in {@link RequestWriter}.
     */
    static boolean dropFromResponse(ResponseParser head, int i, boolean keepUpgrade, boolean transferEncoding) {
        return switch (head.fieldKind(i)) {
            case ResponseParser.HOP_FIELD, ResponseParser.CONNECTION_FIELD -> true;
            case ResponseParser.UPGRADE_FIELD -> !keepUpgrade;
            case ResponseParser.CONTENT_LENGTH_FIELD -> transferEncoding;
            case ResponseParser.TRANSFER_ENCODING_FIELD, ResponseParser.HOST_FIELD -> false;
            // Fields named in Connection, except the framing and routing ones (handled above).
            default -> head.fieldNamedInConnection(i);
        };
    }

    /** The h2→HTTP/1 conversion adds x-http2-* fields that are private to Netty, not for backends. */
    static void stripHttp2Extensions(HttpHeaders h) {
        List<String> remove = null;
        for (var e : h) {
            if (e.getKey().regionMatches(true, 0, HTTP2_EXTENSION_PREFIX, 0, HTTP2_EXTENSION_PREFIX.length())) {
                if (remove == null) {
                    remove = new ArrayList<>(3);
                }
                remove.add(e.getKey());
            }
        }
        if (remove != null) {
            remove.forEach(h::remove);
        }
    }

    static boolean isWebSocketUpgrade(HttpHeaders h) {
        return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && h.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }
}
