package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pooled backend connection is only safe to reuse if the proxy ends each response exactly
 * where the backend did; otherwise the rest of one response is read as the next (response queue
 * poisoning). Mutated backend responses go to {@link ResponseParser} and to Netty's strict
 * response decoder: wherever both accept a response they must agree on its status, its body and
 * where it ends. The parser is allowed to be more lenient where RFC 9112 lets a recipient be
 * (bare LF line ends): it forwards heads line by line and bodies in its own framing.
 */
class ResponseParserDifferentialTest {
    private static final int MUTANTS_PER_SEED = 4000;

    private static final String[] SEEDS = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: s\r\n\r\nhelloHTTP/1.1 204 No Content\r\nX: y\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 304 Not Modified\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    };
    private static final String[] PIECES = {
        " ", "\t", "\r", "\n", "\r\n", ":", ",", ";", "0", "5", "a", "\u0000", "\u007f", "\u00c3\u00a9", "-",
        "\r\nContent-Length: 3", "\r\nContent-Length: 0", "\r\nTransfer-Encoding: chunked", "\r\nTransfer-Encoding: gzip",
        "chunked", "Content-Length", "\r\n\r\n", "0\r\n\r\n", "HTTP/1.1 200 OK\r\n", "\r\n ",
    };

    /** One response as a reader saw it; {@code body} is null when it never ended. */
    record Read(int status, String body) {
    }

    record Reading(List<Read> responses, boolean refused) {
    }

    @Test
    void wheneverBothReadersAcceptAResponseTheyEndItAtTheSameByte() {
        HexFormat hex = HexFormat.of();
        int agreed = 0;
        for (int s = 0; s < SEEDS.length; s++) {
            Random random = new Random(2000 + s);
            for (int m = 0; m < MUTANTS_PER_SEED; m++) {
                byte[] input = RequestDecoderDifferentialTest.mutate(SEEDS[s].getBytes(StandardCharsets.ISO_8859_1), random, PIECES);
                Reading berth = berth(input);
                Reading netty = netty(input);
                int both = Math.min(berth.responses().size(), netty.responses().size());
                for (int i = 0; i < both; i++) {
                    Read b = berth.responses().get(i);
                    Read n = netty.responses().get(i);
                    boolean nettyStopped = netty.refused() && i == netty.responses().size() - 1;
                    boolean berthStopped = berth.refused() && i == berth.responses().size() - 1;
                    if (b.body() != null && n.body() != null) {
                        assertEquals(n, b, "response " + i + " of input " + hex.formatHex(input));
                        agreed++;
                    } else if ((b.body() != null && !nettyStopped) || (n.body() != null && !berthStopped)) {
                        throw new AssertionError("response " + i + " ends differently, input " + hex.formatHex(input)
                                + ": Berth " + berth + ", Netty " + netty);
                    }
                }
            }
        }
        assertTrue(agreed > 1000, "responses both accepted: " + agreed);
    }

    private static Reading berth(byte[] input) {
        List<Read> reads = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] status = {0};
        String[] malformed = {null};
        ResponseParser parser = new ResponseParser(UnpooledByteBufAllocator.DEFAULT, 65536);
        ResponseParser.Sink sink = new ResponseParser.Sink() {
            @Override
            public void onResponseHead(ResponseParser head) {
                status[0] = head.status();
                body.reset();
                reads.add(new Read(head.status(), null));
            }

            @Override
            public void onResponseContent(ByteBuf payload) {
                byte[] b = new byte[payload.readableBytes()];
                payload.getBytes(payload.readerIndex(), b);
                body.writeBytes(b);
            }

            @Override
            public void onResponseEnd(ByteBuf trailers) {
                if (trailers != null) {
                    trailers.release();
                }
                reads.set(reads.size() - 1, new Read(status[0], body.toString(StandardCharsets.ISO_8859_1)));
            }

            @Override
            public void onResponseMalformed(String why) {
                malformed[0] = why;
            }
        };
        ByteBuf in = Unpooled.wrappedBuffer(input);
        while (in.isReadable() && malformed[0] == null && !parser.upgraded()) {
            if (parser.idle()) {
                parser.expectResponse(false);
            }
            int before = in.readableBytes();
            parser.feed(in, sink);
            if (in.readableBytes() == before && !parser.idle()) {
                break; // waits for bytes that will not come
            }
        }
        if (malformed[0] == null) {
            parser.eof(sink);
        }
        parser.release();
        return new Reading(reads, malformed[0] != null);
    }

    private static Reading netty(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(65536)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)));
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        ch.finish(); // the backend closes: ends a body that runs until then
        List<Read> reads = new ArrayList<>();
        boolean refused = false;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (!(m instanceof HttpObject o)) {
                io.netty.util.ReferenceCountUtil.release(m); // bytes after a 101
                continue;
            }
            if (o.decoderResult().isFailure()) {
                refused = true;
                io.netty.util.ReferenceCountUtil.release(m);
                break;
            }
            if (m instanceof HttpResponse r) {
                body.reset();
                reads.add(new Read(r.status().code(), null));
            }
            if (m instanceof HttpContent c) {
                byte[] b = new byte[c.content().readableBytes()];
                c.content().getBytes(c.content().readerIndex(), b);
                body.writeBytes(b);
                if (c instanceof LastHttpContent) {
                    Read last = reads.get(reads.size() - 1);
                    reads.set(reads.size() - 1, new Read(last.status(), body.toString(StandardCharsets.ISO_8859_1)));
                }
                c.release();
            }
        }
        ch.finishAndReleaseAll();
        return new Reading(reads, refused);
    }
}
