package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the request that goes to a backend, straight into one buffer: the client's request
 * line and field lines copied as they came, minus the hop-by-hop ones (RFC 9110 7.6.1), plus
 * the forwarding fields and this proxy's Via. The head is never modified, so a retry writes the
 * same bytes again. Bodies keep the client's framing: chunked when the request says so, else as
 * they are.
 */
final class RequestWriter {
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
     * The request head: the client's lines as they came, minus the hop-by-hop fields, plus the
     * forwarding fields. {@code upgrade}: a WebSocket handshake, whose Connection: upgrade and
     * Upgrade fields survive. {@code clientIp} and {@code scheme} are US-ASCII bytes.
     */
    static ByteBuf head(ByteBufAllocator alloc, RequestHead req, boolean upgrade, byte[] clientIp, byte[] scheme,
                        ViaLoopGuard via) {
        ByteBuf out = alloc.buffer(req.headLength() + 96 + 2 * clientIp.length);
        req.writeRequestLine(out);
        int n = req.fieldCount();
        int forwardedFor = 0;
        for (int i = 0; i < n; i++) {
            switch (req.fieldKind(i)) {
                case HeadFields.HOP_FIELD, HeadFields.CONNECTION_FIELD, HeadFields.FORWARDING_FIELD -> {
                    continue; // hop-by-hop, or replaced below
                }
                case HeadFields.UPGRADE_FIELD -> {
                    if (!upgrade) {
                        continue;
                    }
                }
                case HeadFields.FORWARDED_FOR_FIELD -> {
                    if (forwardedForKept(req, i)) {
                        forwardedFor++;
                    }
                    continue; // one list, written below, however many fields carried it
                }
                case HeadFields.CONTENT_LENGTH_FIELD, HeadFields.TRANSFER_ENCODING_FIELD, HeadFields.HOST_FIELD -> {
                    // never dropped, even when named in Connection
                }
                default -> {
                    if (req.fieldNamedInConnection(i)) {
                        continue;
                    }
                }
            }
            req.writeField(i, out);
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        // X-Forwarded-For is appended to, so a chain of proxies stays visible.
        out.writeBytes(XFF);
        for (int i = 0; forwardedFor > 0 && i < n; i++) {
            if (req.fieldKind(i) == HeadFields.FORWARDED_FOR_FIELD && forwardedForKept(req, i)) {
                req.writeFieldValue(i, out);
                out.writeByte(',').writeByte(' ');
            }
        }
        out.writeBytes(clientIp);
        out.writeShort(HeadFields.CRLF_SHORT);
        out.writeBytes(X_REAL_IP);
        out.writeBytes(clientIp);
        out.writeShort(HeadFields.CRLF_SHORT);
        out.writeBytes(X_PROTO);
        out.writeBytes(scheme);
        out.writeShort(HeadFields.CRLF_SHORT);
        if (req.hostCount() > 0) {
            out.writeBytes(X_HOST);
            req.writeHostValue(out);
            out.writeShort(HeadFields.CRLF_SHORT);
        }
        via.write(out); // the client's Via fields went through above: this one ends the list
        out.writeShort(HeadFields.CRLF_SHORT);
        return out;
    }

    private static boolean forwardedForKept(RequestHead req, int i) {
        return !req.fieldValueEmpty(i) && !req.fieldNamedInConnection(i);
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
            out.writeShort(HeadFields.CRLF_SHORT);
            out.writeBytes(content, content.readerIndex(), n);
            out.writeShort(HeadFields.CRLF_SHORT);
        }
        if (last) {
            out.writeBytes(LAST_CHUNK);
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                writeField(out, e.getKey(), e.getValue());
            }
            out.writeShort(HeadFields.CRLF_SHORT);
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
        out.writeShort(HeadFields.COLON_SP_SHORT);
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
        out.writeShort(HeadFields.CRLF_SHORT);
    }
}
