package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client request reader: heads, bodies, limits and every refusal, fed whole and byte by byte. */
class RequestDecoderTest {
    private static final int MAX_LINE = 256;
    private static final int MAX_FIELDS = 512;
    private final AtomicInteger reads = new AtomicInteger();
    private final RequestDecoder decoder = new RequestDecoder(reads::incrementAndGet, MAX_LINE, MAX_FIELDS);
    private final EmbeddedChannel ch = new EmbeddedChannel(decoder);

    /** What came out: heads as themselves, body bytes joined, and how the message ended. */
    record Decoded(List<RequestHead> heads, String body, List<LastHttpContent> ends) {
        RequestHead head() {
            return heads.get(0);
        }
    }

    private Decoded feed(String raw, boolean byteByByte) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        List<RequestHead> heads = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<LastHttpContent> ends = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof RequestHead h) {
                heads.add(h);
            } else {
                HttpContent c = (HttpContent) m;
                ByteBuf content = c.content();
                byte[] piece = new byte[content.readableBytes()];
                content.readBytes(piece);
                body.writeBytes(piece);
                if (c instanceof LastHttpContent last) {
                    ends.add(last);
                }
                c.release();
            }
        }
        return new Decoded(heads, body.toString(StandardCharsets.ISO_8859_1), ends);
    }

    /** Both ways of feeding give the same result; returns it. */
    private Decoded decode(String raw) {
        Decoded whole = feed(raw, false);
        RequestDecoderTest split = new RequestDecoderTest();
        Decoded bytes = split.feed(raw, true);
        assertEquals(whole.heads().size(), bytes.heads().size(), "heads, split");
        assertEquals(whole.body(), bytes.body(), "body, split");
        assertEquals(whole.ends().size(), bytes.ends().size(), "ends, split");
        for (int i = 0; i < whole.heads().size(); i++) {
            assertEquals(whole.heads().get(i).failure(), bytes.heads().get(i).failure(), "failure, split");
        }
        return whole;
    }

    private static String forwarded(RequestHead h) {
        ByteBuf out = RequestWriter.head(UnpooledByteBufAllocator.DEFAULT, h, h.webSocketUpgrade(),
                "10.1.2.3".getBytes(StandardCharsets.US_ASCII), "http".getBytes(StandardCharsets.US_ASCII),
                new ViaLoopGuard("berth-test"));
        try {
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    private HttpResponseStatus refusal(String raw) {
        Decoded d = decode(raw);
        assertEquals(1, d.heads().size(), "one head for " + raw);
        assertTrue(d.ends().isEmpty(), "nothing follows a refused head");
        return d.head().failure();
    }

    @Test
    void aSimpleGetIsAHeadAndAnEmptyEnd() {
        Decoded d = decode("GET /a?b=c HTTP/1.1\r\nHost: Example.COM:8080\r\nAccept: */*\r\n\r\n");
        RequestHead h = d.head();
        assertNull(h.failure());
        assertSame(HttpMethod.GET, h.method());
        assertEquals("/a?b=c", h.target());
        assertTrue(h.originForm());
        assertSame(HttpVersion.HTTP_1_1, h.version());
        assertEquals("Example.COM:8080", h.hostValue());
        assertTrue(h.keepAlive());
        assertEquals(-1, h.contentLength());
        assertTrue(h.complete(), "a request without a body is its head alone");
        assertTrue(d.ends().isEmpty());
        assertEquals("", d.body());
    }

    @Test
    void readsAreReportedBeforeDecoding() {
        String raw = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        feed(raw, true);
        assertEquals(raw.length(), reads.get());
    }

    @Test
    void pipelinedRequestsComeOutInOrder() {
        Decoded d = decode("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /3 HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
        assertEquals(3, d.heads().size());
        assertEquals(List.of("/1", "/2", "/3"), d.heads().stream().map(RequestHead::target).toList());
        assertEquals("abc", d.body());
        assertEquals(List.of(true, false, true), d.heads().stream().map(RequestHead::complete).toList());
        assertEquals(1, d.ends().size(), "only the request with a body ends with a content message");
        assertSame(HttpVersion.HTTP_1_0, d.heads().get(2).version());
        assertTrue(d.heads().get(2).keepAlive());
    }

    @Test
    void aFixedLengthBodyEndsAtItsLength() {
        Decoded d = decode("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET");
        assertEquals(11, d.head().contentLength());
        assertEquals("hello world", d.body());
        assertEquals(1, d.ends().size());
    }

    @Test
    void chunkedBodiesLoseTheirFramingAndKeepTheirTrailers() {
        Decoded d = decode("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "5;ext=\"v\"\r\nhello\r\n6 \r\n world\r\n0\r\nX-Sum: 42\r\nX-Other:  two \r\n\r\n");
        assertTrue(d.head().chunked());
        assertEquals("hello world", d.body());
        LastHttpContent end = d.ends().get(0);
        assertFalse(RequestDecoder.failed(end));
        assertEquals("42", end.trailingHeaders().get("x-sum"));
        assertEquals("two", end.trailingHeaders().get("x-other"));
    }

    @Test
    void emptyLinesBeforeARequestAreSkipped() {
        Decoded d = decode("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertNull(d.head().failure());
        assertEquals("/", d.head().target());
    }

    @Test
    void everyAmbiguousHeadIsRefusedWith400() {
        String[] bad = {
            "GET / HTTP/1.1\nHost: a\n\n", // bare LF
            "GET / HTTP/1.1\r\nHost: a\n\r\n", // one bare LF
            "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n", // obs-fold
            "GET / HTTP/1.1\r\nHost : a\r\n\r\n", // whitespace before the colon
            "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", // not a token
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", // control character
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", // bare CR inside a value
            "GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", // any duplicate
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", // chunked not last
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", // TE in HTTP/1.0
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", // two spaces
            "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
            "GET /\r\nHost: a\r\n\r\n", // HTTP/0.9 style
            "GET / http/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1x\r\nHost: a\r\n\r\n",
            "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", // method not a token
            "GET /a\u007fb HTTP/1.1\r\nHost: a\r\n\r\n", // DEL in the target
            "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n",
        };
        for (String raw : bad) {
            assertEquals(HttpResponseStatus.BAD_REQUEST, new RequestDecoderTest().refusal(raw), raw);
        }
    }

    @Test
    void transferCodingsBesidesOneChunkedAre501() {
        assertEquals(HttpResponseStatus.NOT_IMPLEMENTED,
                refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(HttpResponseStatus.NOT_IMPLEMENTED, new RequestDecoderTest().refusal(
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(HttpResponseStatus.NOT_IMPLEMENTED, new RequestDecoderTest().refusal(
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void otherVersionsAre505() {
        assertEquals(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, refusal("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        assertEquals(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, new RequestDecoderTest().refusal("GET / HTTP/1.2\r\nHost: a\r\n\r\n"));
    }

    @Test
    void limitsAre414And431EvenBeforeTheHeadEnds() {
        String longTarget = "/" + "a".repeat(MAX_LINE);
        assertEquals(HttpResponseStatus.REQUEST_URI_TOO_LONG, refusal("GET " + longTarget + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(HttpResponseStatus.REQUEST_URI_TOO_LONG, new RequestDecoderTest().refusal("GET " + longTarget));
        String big = "X: " + "b".repeat(MAX_FIELDS) + "\r\n";
        assertEquals(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                new RequestDecoderTest().refusal("GET / HTTP/1.1\r\nHost: a\r\n" + big + "\r\n"));
        assertEquals(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                new RequestDecoderTest().refusal("GET / HTTP/1.1\r\nHost: a\r\n" + big));
        // Just within both limits.
        String line = "GET /" + "a".repeat(MAX_LINE - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        assertEquals(MAX_LINE, line.length());
        String fields = "X: " + "c".repeat(MAX_FIELDS - 7) + "\r\n";
        assertEquals(MAX_FIELDS, fields.length() + 2);
        assertNull(new RequestDecoderTest().decode(line + "\r\n" + fields + "\r\n").head().failure());
    }

    @Test
    void nothingIsDecodedAfterARefusal() {
        Decoded d = decode("GET / HTTP/1.1\r\nHost : a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(1, d.heads().size());
        assertEquals(HttpResponseStatus.BAD_REQUEST, d.head().failure());
        assertTrue(feed("GET /later HTTP/1.1\r\nHost: a\r\n\r\n", false).heads().isEmpty());
    }

    @Test
    void malformedChunkedBodiesEndFailed() {
        String head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        String[] bad = {
            "zz\r\nhello\r\n0\r\n\r\n", // not hex
            "\r\nhello\r\n0\r\n\r\n", // no size
            "5\nhello\r\n0\r\n\r\n", // bare LF
            "3\r\nhello\r\n0\r\n\r\n", // data longer than its size
            "1000000000000000\r\n", // size too large
            "5;a\u0001\r\nhello\r\n0\r\n\r\n", // control character in an extension
            "0\r\nContent-Length: 5\r\n\r\n", // a framing field as a trailer
            "0\r\nbad trailer\r\n\r\n",
            "0\r\nX: a\u0000\r\n\r\n",
            "1;" + "e".repeat(5000) + "\r\n", // chunk-size line too long
        };
        for (String body : bad) {
            RequestDecoderTest t = new RequestDecoderTest();
            Decoded d = t.decode(head + body + "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(1, d.heads().size(), body);
            assertEquals(1, d.ends().size(), body);
            assertTrue(RequestDecoder.failed(d.ends().get(0)), body);
        }
    }

    @Test
    void aRecycledHeadCarriesNothingOver() {
        RequestHead first = feed("POST /one HTTP/1.0\r\nHost: a\r\nContent-Length: 2\r\nConnection: close, x-drop\r\n"
                + "X-Drop: 1\r\n\r\nok", false).head();
        decoder.recycle(first);
        RequestHead second = feed("GET /two HTTP/1.1\r\nHost: b\r\n\r\n", false).head();
        assertSame(first, second);
        assertEquals("/two", second.target());
        assertEquals("b", second.hostValue());
        assertEquals(-1, second.contentLength());
        assertTrue(second.keepAlive());
        assertEquals("GET /two HTTP/1.1\r\nHost: b\r\nx-forwarded-for: 10.1.2.3\r\nx-real-ip: 10.1.2.3\r\n"
                + "x-forwarded-proto: http\r\nx-forwarded-host: b\r\nvia: 1.1 berth-test\r\n\r\n", forwarded(second));
    }

    @Test
    void theForwardedHeadDropsHopByHopFieldsAndAddsForwardingOnes() {
        RequestHead h = decode("GET /p HTTP/1.1\r\nHost: a.example\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
                + "Keep-Alive: 5\r\nTE: trailers\r\nProxy-Authorization: x\r\nUpgrade: h2c\r\nX-Forwarded-For: 1.1.1.1\r\n"
                + "X-Forwarded-For:\r\nx-forwarded-for: 2.2.2.2\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: evil\r\nAccept: */*\r\n\r\n").head();
        assertEquals("GET /p HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n"
                + "x-forwarded-for: 1.1.1.1, 2.2.2.2, 10.1.2.3\r\nx-real-ip: 10.1.2.3\r\nx-forwarded-proto: http\r\n"
                + "x-forwarded-host: a.example\r\nvia: 1.1 berth-test\r\n\r\n", forwarded(h));
    }

    @Test
    void aWebSocketHandshakeKeepsItsUpgradeFields() {
        RequestHead h = decode("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n"
                + "Sec-WebSocket-Key: k\r\n\r\n").head();
        assertTrue(h.webSocketUpgrade());
        assertEquals("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key: k\r\nconnection: upgrade\r\n"
                + "x-forwarded-for: 10.1.2.3\r\nx-real-ip: 10.1.2.3\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n"
                + "via: 1.1 berth-test\r\n\r\n",
                forwarded(h));
        assertFalse(new RequestDecoderTest().decode("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").head()
                .webSocketUpgrade(), "Upgrade without Connection: upgrade is no handshake");
    }

    @Test
    void aRequestThisProxyForwardedBeforeIsRecognisedByItsVia() {
        ViaLoopGuard guard = new ViaLoopGuard("berth-test");
        RequestHead looped = decode("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.0 edge, 1.1 berth-test\r\n\r\n").head();
        assertTrue(guard.forwardedBefore(looped));
        RequestHead chained = new RequestDecoderTest().decode("GET / HTTP/1.1\r\nHost: a\r\nVIA: 1.1 berth-other\r\n\r\n").head();
        assertFalse(guard.forwardedBefore(chained), "another Berth proxy in the chain is no loop");
        assertTrue(forwarded(chained).contains("\r\nVIA: 1.1 berth-other\r\n"), "the client's Via is kept");
        assertFalse(guard.forwardedBefore(new RequestDecoderTest().decode("GET / HTTP/1.1\r\nHost: a\r\n\r\n").head()));
    }

    @Test
    void anAbsoluteFormTargetIsForwardedAsItsReplacement() {
        RequestHead h = decode("GET http://a/x?y HTTP/1.1\r\nHost: a\r\n\r\n").head();
        assertFalse(h.originForm());
        h.replaceTarget("/x?y");
        assertTrue(forwarded(h).startsWith("GET /x?y HTTP/1.1\r\nHost: a\r\n"));
    }

    @Test
    void anH2RequestIsReadByTheSameRulesWithoutNettysPrivateFields() {
        var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/h2");
        req.headers().add("host", "a").add("x-http2-stream-id", "3").add("x-http2-scheme", "https")
                .add("transfer-encoding", "chunked").add("te", "trailers");
        RequestHead h = RequestHead.of(req);
        req.release();
        assertNull(h.failure());
        assertTrue(h.chunked());
        assertEquals("POST /h2 HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\nx-forwarded-for: 10.1.2.3\r\n"
                + "x-real-ip: 10.1.2.3\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\nvia: 1.1 berth-test\r\n\r\n", forwarded(h));
    }

    @Test
    void unusualMethodsAndNonAsciiBytesPassThrough() {
        // UTF-8 bytes in the target and in a field value ("é" is C3 A9) reach the backend byte for byte.
        RequestHead h = decode("PROPFIND /caf\u00c3\u00a9 HTTP/1.1\r\nHost: a\r\nX-Name: Ren\u00c3\u00a9e\r\n\r\n").head();
        assertNull(h.failure());
        assertEquals("PROPFIND", h.method().name());
        assertEquals("/caf\u00c3\u00a9", h.target());
        String out = forwarded(h);
        assertTrue(out.startsWith("PROPFIND /caf\u00c3\u00a9 HTTP/1.1\r\n"), out);
        assertTrue(out.contains("\r\nX-Name: Ren\u00c3\u00a9e\r\n"), out);
    }
}
