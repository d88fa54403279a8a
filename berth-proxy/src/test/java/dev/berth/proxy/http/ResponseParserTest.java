package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend response reader, fed whole and in every possible split. */
class ResponseParserTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    /** Records what the parser reports; the forwarded head is what an HTTP/1.1 keep-alive client would get. */
    static final class Recorder implements ResponseParser.Sink {
        final List<String> heads = new ArrayList<>();
        final List<Integer> statuses = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final List<String> trailers = new ArrayList<>();
        int ends;
        String malformed;
        long contentLength;
        boolean chunked;
        boolean keepAlive;

        @Override
        public void onResponseHead(ResponseParser head) {
            ByteBuf out = Unpooled.buffer();
            head.writeStatusLine(out);
            for (int i = 0; i < head.fieldCount(); i++) {
                if (!ProxyHeaders.dropFromResponse(head, i, false)) {
                    head.writeField(i, out);
                }
            }
            heads.add(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
            statuses.add(head.status());
            contentLength = head.contentLength();
            chunked = head.chunked();
            keepAlive = head.keepAlive();
        }

        @Override
        public void onResponseContent(ByteBuf payload) {
            byte[] b = new byte[payload.readableBytes()];
            payload.readBytes(b);
            body.writeBytes(b);
        }

        @Override
        public void onResponseEnd(ByteBuf t) {
            ends++;
            if (t != null) {
                trailers.add(t.toString(StandardCharsets.ISO_8859_1));
                t.release();
            }
        }

        @Override
        public void onResponseMalformed(String why) {
            malformed = why;
        }

        String text() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Feeds {@code bytes} cut at {@code cuts}; returns the bytes left after the exchange ended. */
    static String feed(ResponseParser p, Recorder r, String bytes, int... cuts) {
        byte[] all = bytes.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        StringBuilder left = new StringBuilder();
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : all.length;
            ByteBuf in = Unpooled.copiedBuffer(all, from, to - from);
            p.feed(in, r);
            left.append(in.toString(StandardCharsets.ISO_8859_1));
            in.release();
            from = to;
        }
        return left.toString();
    }

    static void everySplit(String response, boolean head, java.util.function.Consumer<Recorder> check) {
        int n = response.length();
        for (int a = 0; a <= n; a++) {
            for (int b = a; b <= n; b += Math.max(1, n / 7)) {
                ResponseParser p = new ResponseParser(ALLOC, 65536);
                p.expectResponse(head);
                Recorder r = new Recorder();
                String left = feed(p, r, response, a, b);
                assertNull(r.malformed, "split at " + a + "/" + b + ": " + r.malformed);
                assertEquals("", left, "split at " + a + "/" + b);
                check.accept(r);
                p.release();
            }
        }
    }

    @Test
    void contentLengthBodyInAnySplit() {
        String resp = "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\nhello world";
        everySplit(resp, false, r -> {
            assertEquals(1, r.ends);
            assertEquals("hello world", r.text());
            assertEquals("HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 11\r\n", r.heads.get(0));
            assertTrue(r.keepAlive);
            assertEquals(11, r.contentLength);
        });
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersInAnySplit() {
        String resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Sum: abc\r\nX-More: d\r\n\r\n";
        everySplit(resp, false, r -> {
            assertEquals(1, r.ends);
            assertEquals("hello 0123456789", r.text());
            assertEquals(List.of("X-Sum: abc\r\nX-More: d\r\n\r\n"), r.trailers);
            assertTrue(r.chunked);
            assertEquals(-1, r.contentLength);
        });
    }

    @Test
    void nonAsciiBytesInTheHeadPassThroughAsTheyCame() {
        // UTF-8 in a reason phrase and a field value ("é" is C3 A9); only control characters are refused.
        String resp = "HTTP/1.1 200 D\u00c3\u00a9j\u00c3\u00a0 vu\r\nContent-Disposition: attachment; filename=\"r\u00c3\u00a9sum\u00c3\u00a9.pdf\"\r\n"
                + "Content-Length: 2\r\n\r\nok";
        everySplit(resp, false, r -> assertEquals("HTTP/1.1 200 D\u00c3\u00a9j\u00c3\u00a0 vu\r\n"
                + "Content-Disposition: attachment; filename=\"r\u00c3\u00a9sum\u00c3\u00a9.pdf\"\r\nContent-Length: 2\r\n", r.heads.get(0)));
    }

    @Test
    void chunkedWithoutTrailersUsesBareLineFeedsToo() {
        everySplit("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", false, r -> {
            assertEquals("abc", r.text());
            assertTrue(r.trailers.isEmpty());
            assertEquals(1, r.ends);
        });
    }

    @Test
    void bodylessResponses() {
        everySplit("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true, r -> {
            assertEquals(1, r.ends);
            assertEquals("", r.text());
        });
        everySplit("HTTP/1.1 204 No Content\r\n\r\n", false, r -> assertEquals(1, r.ends));
        everySplit("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false, r -> assertEquals(1, r.ends));
        everySplit("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, r -> assertEquals(1, r.ends));
    }

    @Test
    void interimResponsesThenTheFinalOne() {
        everySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false, r -> {
            assertEquals(List.of(100, 103, 201), r.statuses);
            assertEquals(3, r.ends);
            assertEquals("ok", r.text());
        });
    }

    @Test
    void untilCloseBodyEndsAtEof() {
        ResponseParser p = new ResponseParser(ALLOC, 65536);
        p.expectResponse(false);
        Recorder r = new Recorder();
        feed(p, r, "HTTP/1.0 200 OK\r\nX: y\r\n\r\nsome", 20);
        feed(p, r, " more");
        assertTrue(p.untilClose());
        assertEquals(0, r.ends);
        assertFalse(r.keepAlive);
        p.eof(r);
        assertEquals(1, r.ends);
        assertEquals("some more", r.text());
    }

    @Test
    void whatFollowsTheResponseIsLeftAlone() {
        ResponseParser p = new ResponseParser(ALLOC, 65536);
        p.expectResponse(false);
        Recorder r = new Recorder();
        assertEquals("HTTP/1.1 200", feed(p, r, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200"));
        assertTrue(p.idle());
        p.expectResponse(false);
        Recorder up = new Recorder();
        assertEquals("\u0081\u0005hello", feed(p, up, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\n\u0081\u0005hello"));
        assertTrue(p.upgraded());
        assertEquals(1, up.ends);
    }

    @Test
    void hopByHopFieldsAreNotForwarded() {
        ResponseParser p = new ResponseParser(ALLOC, 65536);
        p.expectResponse(false);
        Recorder r = new Recorder();
        feed(p, r, "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private, Content-Length\r\nX-Private: s\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Connection: x\r\nUpgrade: h2c\r\nTE: trailers\r\nTrailer: X\r\n"
                + "Proxy-Authorization: p\r\nX-Kept:  spaced value \t\r\nContent-Length: 2\r\n\r\nok");
        assertEquals("HTTP/1.1 200 OK\r\nX-Kept: spaced value\r\nContent-Length: 2\r\n", r.heads.get(0));
        assertEquals("ok", r.text());
    }

    @Test
    void malformedResponsesAreRefused() {
        String[] bad = {
                "SSH-2.0-OpenSSH_9.6\r\n\r\n",
                "HTTP/2.0 200 OK\r\n\r\n",
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx",
                "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX : a\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        };
        for (String b : bad) {
            ResponseParser p = new ResponseParser(ALLOC, 65536);
            p.expectResponse(false);
            Recorder r = new Recorder();
            feed(p, r, b);
            assertNotNull(r.malformed, "accepted: " + b);
        }
        ResponseParser p = new ResponseParser(ALLOC, 1024);
        p.expectResponse(false);
        Recorder r = new Recorder();
        feed(p, r, "HTTP/1.1 200 OK\r\nX: " + "y".repeat(2000), 100, 600);
        assertNotNull(r.malformed, "a head over the limit");
    }
}
