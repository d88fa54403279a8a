package dev.berth.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Header rules of a reverse proxy (RFC 9110 7.6.1): hop-by-hop fields stop here, forwarding
 * fields say who the client was. Transfer-Encoding is kept because Netty's encoders frame the
 * streamed body from it.
 */
final class ProxyHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";

    private ProxyHeaders() {
    }

    /**
     * Removes hop-by-hop fields. With {@code keepUpgrade} (a WebSocket handshake or a 101),
     * {@code Connection: upgrade} and {@code Upgrade} survive so the peer can switch protocols.
     */
    static void stripHopByHop(HttpHeaders h, boolean keepUpgrade) {
        List<String> named = null;
        // Most messages have no Connection field or one saying keep-alive, which names only the
        // Keep-Alive field (removed below anyway): no token list to build then.
        Iterator<String> connection = h.valueStringIterator(HttpHeaderNames.CONNECTION);
        boolean hasConnection = connection.hasNext();
        if (hasConnection) {
            String first = connection.next();
            if (connection.hasNext() || !HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(first)) {
                named = connectionTokens(h);
            }
        }
        if (named != null) {
            for (String t : named) {
                if (keepUpgrade && HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(t)) {
                    continue;
                }
                // Never let a client drop framing or routing fields by naming them in Connection.
                if (!HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(t)
                        && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(t)
                        && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(t)) {
                    h.remove(t);
                }
            }
        }
        if (hasConnection) {
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (keepUpgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            h.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /** All tokens of every Connection field (they name the other fields that stop here). */
    private static List<String> connectionTokens(HttpHeaders h) {
        List<String> named = null;
        for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    if (named == null) {
                        named = new ArrayList<>(2);
                    }
                    named.add(t);
                }
            }
        }
        return named;
    }

    /** Forwarding fields for the backend; X-Forwarded-For is appended to so a chain of proxies stays visible. */
    static void addForwarded(HttpHeaders h, String clientIp, String scheme, String originalHost) {
        String xff = h.get(X_FORWARDED_FOR);
        if (xff == null) {
            h.add(X_FORWARDED_FOR, clientIp);
        } else {
            h.set(X_FORWARDED_FOR, xff.isBlank() ? clientIp : xff + ", " + clientIp);
        }
        put(h, X_REAL_IP, clientIp);
        put(h, X_FORWARDED_PROTO, scheme);
        if (originalHost != null) {
            put(h, X_FORWARDED_HOST, originalHost);
        }
    }

    /** {@code set}, without its removal pass when the field is absent (the usual case). */
    private static void put(HttpHeaders h, AsciiString name, String value) {
        if (h.contains(name)) {
            h.set(name, value);
        } else {
            h.add(name, value);
        }
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
