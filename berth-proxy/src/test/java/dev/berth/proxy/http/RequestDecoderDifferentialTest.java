package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Request smuggling needs two HTTP parsers that read the same bytes as different requests. This
 * test feeds mutated requests to Berth's decoder and to Netty's (configured strictly, as the proxy
 * used it before) and checks that wherever both accept a request, they agree on what it is:
 * method, target, Host and, above all, where its body ends and the next request begins. Berth's
 * decoder may refuse more; it must never accept a head Netty refuses, nor end a body where Netty
 * would not. Inside a chunked body it may take what Netty refuses (chunk extensions): the proxy
 * writes bodies to backends in its own framing, so no backend sees those bytes.
 */
class RequestDecoderDifferentialTest {
    private static final int MUTANTS_PER_SEED = 4000;

    private static final String[] SEEDS = {
        "GET /a?b=c HTTP/1.1\r\nHost: x.example\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: x.example\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: x.example\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: x.example\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: x.example\r\n\r\n",
        "PUT /t HTTP/1.0\r\nHost: x.example\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabcGET / HTTP/1.1\r\nHost: y\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: x.example\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
    };
    /** What a mutation inserts or substitutes: the bytes parsers tend to disagree on. */
    private static final String[] PIECES = {
        " ", "\t", "\r", "\n", "\r\n", ":", ",", ";", "0", "5", "a", "A", "\u0000", "\u007f", "\u00c3\u00a9", "\u00ff", "-", "/",
        "\r\nContent-Length: 3", "\r\nContent-Length: 0", "\r\nTransfer-Encoding: chunked", "\r\nTransfer-Encoding: gzip",
        "\r\nHost: z", "chunked", "Content-Length", "\r\n\r\n", "0\r\n\r\n", "HTTP/1.1", " HTTP/1.0", "\r\n ",
    };

    /** One request as a decoder read it; {@code body} is null when its body never completed. */
    record Read(String method, String target, String host, String body) {
    }

    /** The requests a decoder accepted, in order, up to its first refusal or the end of the input. */
    record Reading(List<Read> requests, boolean refused) {
    }

    @Test
    void wheneverBothDecodersAcceptARequestTheyReadItTheSame() {
        HexFormat hex = HexFormat.of();
        int agreedRequests = 0;
        int berthStricter = 0;
        int bodyLenient = 0;
        for (int s = 0; s < SEEDS.length; s++) {
            Random random = new Random(1000 + s);
            for (int m = 0; m < MUTANTS_PER_SEED; m++) {
                byte[] input = mutate(SEEDS[s].getBytes(StandardCharsets.ISO_8859_1), random, PIECES);
                Reading berth = berth(input);
                Reading netty = netty(input);
                int both = Math.min(berth.requests().size(), netty.requests().size());
                for (int i = 0; i < both; i++) {
                    Read b = berth.requests().get(i);
                    Read n = netty.requests().get(i);
                    if (b.body() != null && n.body() != null) {
                        assertEquals(n, b, "request " + i + " of input " + hex.formatHex(input));
                        agreedRequests++;
                    } else if (b.body() != null && netty.refused() && i == netty.requests().size() - 1) {
                        // Netty refused inside a body Berth took (e.g. a chunk extension it finds
                        // malformed): harmless, because the proxy re-frames bodies and drops extensions.
                        bodyLenient++;
                    } else if (b.body() != null) {
                        // Berth completed a body that Netty is still waiting for: a framing disagreement.
                        throw new AssertionError("framing differs for request " + i + " of input " + hex.formatHex(input)
                                + ": Berth " + b + ", Netty " + n);
                    }
                }
                if (berth.requests().size() > netty.requests().size()) {
                    // Berth accepted a request where Netty had refused or not yet ended the previous one.
                    assertTrue(!netty.refused() && lastIncomplete(netty),
                            "Berth accepted a request Netty refused, input " + hex.formatHex(input)
                                    + ": Berth " + berth + ", Netty " + netty);
                }
                if (berth.requests().size() < netty.requests().size()) {
                    berthStricter++;
                }
            }
        }
        // The mutations must exercise both sides: plenty of agreement, and refusals too.
        assertTrue(agreedRequests > 1000, "requests both accepted: " + agreedRequests);
        assertTrue(berthStricter > 0, "inputs only Netty accepted: " + berthStricter);
    }

    private static boolean lastIncomplete(Reading r) {
        return !r.requests().isEmpty() && r.requests().get(r.requests().size() - 1).body() == null;
    }

    /** {@code seed} with one to four random insertions, replacements or deletions of {@code pieces}. */
    static byte[] mutate(byte[] seed, Random random, String[] pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(seed);
        byte[] b = out.toByteArray();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(b.length + 1);
            byte[] piece = pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream next = new ByteArrayOutputStream();
            next.write(b, 0, at);
            switch (random.nextInt(3)) {
                case 0 -> { // insert
                    next.writeBytes(piece);
                    next.write(b, at, b.length - at);
                }
                case 1 -> { // replace one byte
                    next.writeBytes(piece);
                    if (at < b.length) {
                        next.write(b, at + 1, b.length - at - 1);
                    }
                }
                default -> { // delete one byte
                    if (at < b.length) {
                        next.write(b, at + 1, b.length - at - 1);
                    }
                }
            }
            b = next.toByteArray();
        }
        return b;
    }

    private static Reading berth(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(() -> { }, 8192, 16384));
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        List<Read> reads = new ArrayList<>();
        boolean refused = false;
        RequestHead head = null;
        ByteArrayOutputStream body = null;
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof RequestHead h) {
                if (h.failure() != null) {
                    refused = true;
                    break;
                }
                head = h;
                body = new ByteArrayOutputStream();
                reads.add(new Read(h.method().name(), h.target(), h.hostValue(), h.complete() ? "" : null));
            } else if (m instanceof HttpContent c) {
                boolean failed = c instanceof LastHttpContent last && RequestDecoder.failed(last);
                append(body, c.content());
                c.release();
                if (failed) {
                    refused = true;
                    break;
                }
                if (c instanceof LastHttpContent) {
                    reads.set(reads.size() - 1, new Read(head.method().name(), head.target(), head.hostValue(),
                            body.toString(StandardCharsets.ISO_8859_1)));
                }
            }
        }
        ch.finishAndReleaseAll();
        return new Reading(reads, refused);
    }

    private static Reading netty(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16384)
                .setMaxChunkSize(65536)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)));
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        List<Read> reads = new ArrayList<>();
        boolean refused = false;
        HttpRequest head = null;
        ByteArrayOutputStream body = null;
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (((HttpObject) m).decoderResult().isFailure()) {
                refused = true;
                io.netty.util.ReferenceCountUtil.release(m);
                break;
            }
            if (m instanceof HttpRequest r) {
                long hosts = r.headers().getAll("host").size();
                head = r;
                body = new ByteArrayOutputStream();
                reads.add(new Read(r.method().name(), r.uri(), hosts == 0 ? null : r.headers().getAll("host").get(0), null));
            }
            if (m instanceof HttpContent c) {
                append(body, c.content());
                if (c instanceof LastHttpContent) {
                    reads.set(reads.size() - 1, new Read(head.method().name(), head.uri(),
                            reads.get(reads.size() - 1).host(), body.toString(StandardCharsets.ISO_8859_1)));
                }
                c.release();
            }
        }
        ch.finishAndReleaseAll();
        return new Reading(reads, refused);
    }

    private static void append(ByteArrayOutputStream out, ByteBuf content) {
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        out.writeBytes(bytes);
    }
}
