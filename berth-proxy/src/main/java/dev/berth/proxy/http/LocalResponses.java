package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Responses the proxy makes itself. Plain text, so nothing a client put in a Host header can
 * become markup in someone's browser.
 */
final class LocalResponses {
    private LocalResponses() {
    }

    static FullHttpResponse text(ByteBufAllocator alloc, HttpVersion version, HttpResponseStatus status,
                                 String message, boolean keepAlive) {
        ByteBuf body = alloc.buffer();
        body.writeCharSequence(status.code() + " " + status.reasonPhrase() + ": " + message + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(version == null ? HttpVersion.HTTP_1_1 : version, status, body);
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("x-content-type-options", "nosniff")
                .set(HttpHeaderNames.SERVER, "berth");
        HttpUtil.setKeepAlive(r, keepAlive);
        return r;
    }

    static FullHttpResponse redirect(ByteBufAllocator alloc, HttpVersion version, String location, boolean keepAlive) {
        FullHttpResponse r = text(alloc, version, HttpResponseStatus.PERMANENT_REDIRECT, location, keepAlive);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }

    /** Renders a host for an error message; normalized hosts are already safe, raw input is cut and escaped. */
    static String describe(String host) {
        if (host == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder(Math.min(host.length(), 100) + 2).append('\'');
        for (int i = 0; i < host.length() && i < 100; i++) {
            char c = host.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.append('\'').toString();
    }

    /**
     * A response of the proxy's own as HTTP/1 bytes (no body for HEAD, as the field values
     * describe it); releases {@code r}.
     */
    static ByteBuf encode(ByteBufAllocator alloc, FullHttpResponse r, boolean head) {
        try {
            ByteBuf out = alloc.buffer(256 + r.content().readableBytes());
            out.writeCharSequence(r.protocolVersion().text(), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeCharSequence(r.status().codeAsText(), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeCharSequence(r.status().reasonPhrase(), StandardCharsets.US_ASCII);
            out.writeShort(ResponseParser.CRLF_SHORT);
            for (var e = r.headers().iteratorCharSequence(); e.hasNext(); ) {
                var field = e.next();
                out.writeCharSequence(field.getKey(), StandardCharsets.US_ASCII);
                out.writeShort(ResponseParser.COLON_SP_SHORT);
                out.writeCharSequence(field.getValue(), StandardCharsets.UTF_8);
                out.writeShort(ResponseParser.CRLF_SHORT);
            }
            out.writeShort(ResponseParser.CRLF_SHORT);
            if (!head) {
                out.writeBytes(r.content(), r.content().readerIndex(), r.content().readableBytes());
            }
            return out;
        } finally {
            r.release();
        }
    }
}
