package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * A client's request head as its bytes ({@link HeadFields}), parsed by {@link RequestDecoder}
 * from an HTTP/1 connection or made from an h2 stream's decoded request ({@link #of}). The
 * request writer copies its lines to the backend, so a request crosses the proxy without
 * header objects or strings; only the Host value and, when needed, the target become strings.
 *
 * <p>On top of the field rules it refuses, as RFC 9112 asks of a server: a request line that is
 * not {@code method SP request-target SP HTTP/1.x} with single spaces (505 for another version),
 * Transfer-Encoding whose final coding is not chunked, Transfer-Encoding together with
 * Content-Length or in an HTTP/1.0 request (400); a transfer coding other than a single chunked (501). A refused head carries its status ({@link #failure()}); the connection then
 * closes, because where the next request starts is unknown.
 */
final class RequestHead extends HeadFields {
    private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";

    private HttpMethod method;
    private int targetStart;
    private int targetEnd;
    /** The target as a string, made on first use; or the origin-form that replaced an absolute-form target. */
    private String target;
    private boolean targetReplaced;
    private HttpResponseStatus failure;
    private String problem;
    private boolean complete;

    /**
     * Parses {@code src[from, from + length)}, a whole head up to its empty line; a refused head
     * is reported by {@link #failure()}, never thrown.
     */
    RequestHead parseFrom(ByteBuf src, int from, int length) {
        reset();
        String p = parse(src, from, length);
        if (p == null) {
            if (hasTransferEncoding() && !chunked()) {
                p = "Transfer-Encoding must end with chunked";
            } else if (hasTransferEncoding() && version == HttpVersion.HTTP_1_0) {
                p = "Transfer-Encoding in an HTTP/1.0 request"; // RFC 9112 6.1: its framing is faulty
            } else if (hasTransferEncoding() && hasContentLength()) {
                p = "Content-Length together with Transfer-Encoding";
            } else if (hasTransferEncoding() && !onlyChunked()) {
                // Codings besides chunked, or several fields to combine: backends disagree on those
                // (some read only the first field), so they are refused, as RFC 9112 6.1 allows (501).
                failure = HttpResponseStatus.NOT_IMPLEMENTED;
                p = "transfer codings other than chunked are not supported";
            }
        }
        if (p != null) {
            fail(failure == null ? HttpResponseStatus.BAD_REQUEST : failure, p);
        }
        return this;
    }

    /** A head refused before it could be parsed (too long, bad line ends). */
    RequestHead fail(HttpResponseStatus status, String why) {
        failure = status;
        problem = why;
        if (version == null) {
            version = HttpVersion.HTTP_1_1;
        }
        return this;
    }

    /**
     * An h2 stream's request (Netty's HTTP/1 view of it) as a head: written out as HTTP/1 and
     * parsed by the same rules, minus the x-http2-* fields the conversion adds for Netty itself.
     */
    static RequestHead of(HttpRequest req) {
        ByteBuf b = Unpooled.buffer(256);
        try {
            b.writeCharSequence(req.method().name(), StandardCharsets.US_ASCII);
            b.writeByte(' ');
            b.writeCharSequence(req.uri().isEmpty() ? "/" : req.uri(), StandardCharsets.UTF_8);
            b.writeByte(' ');
            b.writeCharSequence(req.protocolVersion().text(), StandardCharsets.US_ASCII);
            b.writeShort(CRLF_SHORT);
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = req.headers().iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                CharSequence name = e.getKey();
                if (name.length() > HTTP2_EXTENSION_PREFIX.length()
                        && name.toString().regionMatches(true, 0, HTTP2_EXTENSION_PREFIX, 0, HTTP2_EXTENSION_PREFIX.length())) {
                    continue;
                }
                b.writeCharSequence(name, StandardCharsets.US_ASCII);
                b.writeShort(COLON_SP_SHORT);
                b.writeCharSequence(e.getValue(), StandardCharsets.UTF_8);
                b.writeShort(CRLF_SHORT);
            }
            b.writeShort(CRLF_SHORT);
            return new RequestHead().parseFrom(b, 0, b.readableBytes());
        } finally {
            b.release();
        }
    }

    private void reset() {
        complete = false;
        method = null;
        target = null;
        targetReplaced = false;
        failure = null;
        problem = null;
        version = null;
    }

    @Override
    protected boolean crlfOnly() {
        return true;
    }

    @Override
    protected String parseStartLine(byte[] b, int end) {
        int sp1 = -1;
        for (int i = 0; i < end; i++) {
            byte c = b[i];
            if (c == ' ') {
                sp1 = i;
                break;
            }
            if (!isTokenChar(c)) {
                return "invalid method";
            }
        }
        if (sp1 <= 0) {
            return "invalid request line";
        }
        int sp2 = -1;
        for (int i = sp1 + 1; i < end; i++) {
            byte c = b[i];
            if (c == ' ') {
                sp2 = i;
                break;
            }
            // Any visible byte; obs-text (bytes over 0x7f) passes through as it came.
            if ((c & 0xff) <= 0x20 || c == 0x7f) {
                return "invalid request target";
            }
        }
        if (sp2 < 0 || sp2 == sp1 + 1) {
            return "invalid request line";
        }
        String v = versionOf(b, sp2 + 1, end);
        if (v != null) {
            return v;
        }
        method = methodOf(b, sp1);
        targetStart = sp1 + 1;
        targetEnd = sp2;
        return null;
    }

    private String versionOf(byte[] b, int from, int end) {
        if (end - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || b[from + 6] != '.') {
            return "invalid HTTP version";
        }
        byte major = b[from + 5];
        byte minor = b[from + 7];
        if (major == '1' && minor == '1') {
            version = HttpVersion.HTTP_1_1;
        } else if (major == '1' && minor == '0') {
            version = HttpVersion.HTTP_1_0;
        } else if (major >= '0' && major <= '9' && minor >= '0' && minor <= '9') {
            failure = HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
            return "HTTP version not supported";
        } else {
            return "invalid HTTP version";
        }
        return null;
    }

    /** Netty's shared constant for a standard method, so comparisons by identity work. */
    private static HttpMethod methodOf(byte[] b, int len) {
        HttpMethod m = switch (len) {
            case 3 -> is(b, "GET") ? HttpMethod.GET : is(b, "PUT") ? HttpMethod.PUT : null;
            case 4 -> is(b, "POST") ? HttpMethod.POST : is(b, "HEAD") ? HttpMethod.HEAD : null;
            case 5 -> is(b, "PATCH") ? HttpMethod.PATCH : is(b, "TRACE") ? HttpMethod.TRACE : null;
            case 6 -> is(b, "DELETE") ? HttpMethod.DELETE : null;
            case 7 -> is(b, "OPTIONS") ? HttpMethod.OPTIONS : is(b, "CONNECT") ? HttpMethod.CONNECT : null;
            default -> null;
        };
        return m != null ? m : HttpMethod.valueOf(new String(b, 0, len, StandardCharsets.US_ASCII));
    }

    private static boolean is(byte[] b, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (b[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ the parsed request

    /**
     * The request has no body and nothing follows the head: no content message will come for it.
     * Only the HTTP/1 decoder says so; an h2 request's end always arrives as a message.
     */
    boolean complete() {
        return complete;
    }

    void markComplete() {
        complete = true;
    }

    /** The status to refuse this request with, or null when it parsed. */
    HttpResponseStatus failure() {
        return failure;
    }

    String problem() {
        return problem;
    }

    HttpMethod method() {
        return method;
    }

    boolean isHead() {
        return method == HttpMethod.HEAD;
    }

    /** Whether the target is in origin-form (starts with a slash), without making a string of it. */
    boolean originForm() {
        return !targetReplaced && hb[targetStart] == '/' || targetReplaced && target.startsWith("/");
    }

    String target() {
        if (target == null) {
            target = new String(hb, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        }
        return target;
    }

    /** Forward {@code originForm} instead of the target that came (an absolute-form one). */
    void replaceTarget(String originForm) {
        target = originForm;
        targetReplaced = true;
    }

    /** A WebSocket handshake: Connection lists upgrade and Upgrade is websocket. */
    boolean webSocketUpgrade() {
        if (!connectionUpgrade()) {
            return false;
        }
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldKind(i) == UPGRADE_FIELD && fieldValueIs(i, "websocket")) {
                return true;
            }
        }
        return false;
    }

    /** Appends the request line and its CRLF: as it came, or with the replaced target. */
    void writeRequestLine(ByteBuf out) {
        if (!targetReplaced) {
            out.writeBytes(hb, 0, startLineEnd);
        } else {
            out.writeBytes(hb, 0, targetStart);
            out.writeCharSequence(target, StandardCharsets.ISO_8859_1);
            out.writeBytes(hb, targetEnd, startLineEnd - targetEnd);
        }
        out.writeShort(CRLF_SHORT);
    }
}
