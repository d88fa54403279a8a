package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * Header rules of a reverse proxy (RFC 9110 7.6.1): hop-by-hop fields stop here, forwarding
 * fields say who the client was ({@link RequestWriter} applies them to requests as it writes
 * them). Transfer-Encoding is kept: it frames the streamed body.
 */
final class ProxyHeaders {
    private ProxyHeaders() {
    }

    /**
     * Whether field {@code i} of a backend's response head stops at this hop: Connection and the
     * fields it names (except the framing and routing ones), Keep-Alive, Proxy-Connection, TE,
     * Trailer, Proxy-Authorization, and Upgrade unless the protocol switches. Content-Length is
     * always kept: a response that has it together with Transfer-Encoding never gets here
     * ({@link ResponseParser} refuses it). The request side of the same rules is in
     * {@link RequestWriter}.
     */
    static boolean dropFromResponse(ResponseParser head, int i, boolean keepUpgrade) {
        return switch (head.fieldKind(i)) {
            case ResponseParser.HOP_FIELD, ResponseParser.CONNECTION_FIELD -> true;
            case ResponseParser.UPGRADE_FIELD -> !keepUpgrade;
            case ResponseParser.CONTENT_LENGTH_FIELD, ResponseParser.TRANSFER_ENCODING_FIELD,
                 ResponseParser.HOST_FIELD -> false;
            // Fields named in Connection, except the framing and routing ones (handled above).
            default -> head.fieldNamedInConnection(i);
        };
    }

    /** A backend's response head as the fields an h2 stream's response carries (the HTTP/1 path copies bytes instead). */
    static HttpHeaders forHttp2(ResponseParser head) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            if (!dropFromResponse(head, i, false)) {
                h.add(head.fieldName(i), head.fieldValue(i));
            }
        }
        return h;
    }

    /** A chunked body's raw trailer lines as the trailers of an h2 stream. */
    static HttpHeaders trailersForHttp2(ByteBuf raw) {
        HttpHeaders h = new DefaultHttpHeaders();
        String text = raw.toString(StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h.add(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return h;
    }
}
