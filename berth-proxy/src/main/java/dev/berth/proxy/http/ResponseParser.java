package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Reads HTTP/1.x responses from a backend connection straight from its bytes, without building
 * header objects: the proxy forwards a response head by copying its lines (minus the hop-by-hop
 * ones), so it only needs to know where each line is and what frames the body. Bodies come out
 * as payload slices (chunked framing removed) and the proxy frames them again for its client.
 *
 * <p>Framing follows RFC 9112 section 6.3: no body for HEAD, 1xx, 204 and 304; else chunked when
 * it is the final transfer coding, else Content-Length, else until the backend closes. It
 * refuses what it cannot forward safely (the proxy answers 502): a status line other than
 * HTTP/1.0 or 1.1, control characters, obs-fold, whitespace before a colon, a head over
 * {@code maxHeadSize}, an invalid or repeated Content-Length, Content-Length together with
 * Transfer-Encoding, more than one Transfer-Encoding field, a bad chunk.
 *
 * <p>One parser per backend connection, driven by its event loop; the head it reports is valid
 * only during the callback.
 */
final class ResponseParser extends HeadFields {
    /** What the parser reports, in order: head, content*, end (or malformed, after which nothing). */
    interface Sink {
        void onResponseHead(ResponseParser head);

        /** A slice of body payload, valid during the call: the sink retains it to keep it. */
        void onResponseContent(ByteBuf payload);

        /** The message is complete; {@code trailers} (raw field lines ending with an empty line) or null. */
        void onResponseEnd(ByteBuf trailers);

        void onResponseMalformed(String why);
    }

    private enum State { IDLE, HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, UNTIL_CLOSE, UPGRADED, BROKEN }

    private static final int MAX_LINE = 8192;

    private final int maxHeadSize;
    private final ByteBufAllocator alloc;
    private State state = State.IDLE;
    private boolean headRequest;
    /** Bytes of a head, a chunk-size line or trailers that arrived split across reads. */
    private ByteBuf partial;
    private long remaining;

    private int status;

    ResponseParser(ByteBufAllocator alloc, int maxHeadSize) {
        this.alloc = alloc;
        this.maxHeadSize = maxHeadSize;
    }

    /** A request went out: the next bytes are its response ({@code head}: it was a HEAD request). */
    void expectResponse(boolean head) {
        headRequest = head;
        state = State.HEAD;
        releasePartial();
    }

    /** Between exchanges: bytes arriving now answer nothing. */
    boolean idle() {
        return state == State.IDLE;
    }

    boolean upgraded() {
        return state == State.UPGRADED;
    }

    /** The body ends when the connection does. */
    boolean untilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /**
     * Consumes {@code in} as far as the current exchange goes: after a message ends the parser
     * stops (IDLE, or UPGRADED after a 101) and leaves what follows in {@code in}. Does not release {@code in}.
     */
    void feed(ByteBuf in, Sink sink) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    if (!readHead(in, sink)) {
                        return;
                    }
                }
                case FIXED -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    ByteBuf payload = in.readSlice(n);
                    if (remaining == 0) {
                        state = State.IDLE;
                    }
                    sink.onResponseContent(payload);
                    if (state == State.IDLE) {
                        sink.onResponseEnd(null);
                        return;
                    }
                }
                case CHUNK_SIZE -> {
                    if (!readChunkSize(in, sink)) {
                        return;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CRLF;
                    }
                    sink.onResponseContent(in.readSlice(n));
                }
                case CHUNK_CRLF -> {
                    if (!readChunkEnd(in, sink)) {
                        return;
                    }
                }
                case TRAILERS -> {
                    if (!readTrailers(in, sink)) {
                        return;
                    }
                    return;
                }
                case UNTIL_CLOSE -> sink.onResponseContent(in.readSlice(in.readableBytes()));
                case IDLE, UPGRADED, BROKEN -> {
                    return;
                }
            }
        }
    }

    /** The backend closed: ends a body that runs until then. */
    void eof(Sink sink) {
        if (state == State.UNTIL_CLOSE) {
            state = State.IDLE;
            sink.onResponseEnd(null);
        }
        releasePartial();
    }

    /** The connection is gone: frees what the parser holds and ignores anything more. */
    void release() {
        releasePartial();
        state = State.BROKEN;
    }

    void releaseBuffers() {
        releasePartial();
    }

    // ------------------------------------------------------------------ head

    private boolean readHead(ByteBuf in, Sink sink) {
        ByteBuf src = in;
        int from = in.readerIndex();
        if (partial != null) {
            // The head started in an earlier read: continue in the copy.
            int scanFrom = Math.max(partial.readerIndex(), partial.writerIndex() - 3);
            partial.writeBytes(in, in.readableBytes());
            src = partial;
            from = partial.readerIndex();
            int end = findHeadEnd(src, scanFrom);
            if (end < 0) {
                if (partial.readableBytes() > maxHeadSize) {
                    return malformed(sink, "response head larger than " + maxHeadSize + " bytes");
                }
                return false;
            }
            return parseHead(src, from, end, in, sink);
        }
        int end = findHeadEnd(src, from);
        if (end < 0) {
            if (in.readableBytes() > maxHeadSize) {
                return malformed(sink, "response head larger than " + maxHeadSize + " bytes");
            }
            partial = alloc.heapBuffer(Math.max(256, in.readableBytes() * 2));
            partial.writeBytes(in);
            return false;
        }
        return parseHead(src, from, end, in, sink);
    }

    /** Index just past the empty line that ends a head starting at {@code from}, or -1. */
    private static int findHeadEnd(ByteBuf b, int from) {
        int w = b.writerIndex();
        int i = b.indexOf(from, w, (byte) '\n');
        while (i >= 0) {
            // "\n\n" or "\n\r\n"
            if (i + 1 < w) {
                byte c = b.getByte(i + 1);
                if (c == '\n') {
                    return i + 2;
                }
                if (c == '\r' && i + 2 < w && b.getByte(i + 2) == '\n') {
                    return i + 3;
                }
            } else {
                return -1;
            }
            i = b.indexOf(i + 1, w, (byte) '\n');
        }
        return -1;
    }

    /** Parses the head in {@code src[from, end)}; consumes it from {@code in} (and the partial copy). */
    private boolean parseHead(ByteBuf src, int from, int end, ByteBuf in, Sink sink) {
        int length = end - from;
        if (length > maxHeadSize) {
            return malformed(sink, "response head larger than " + maxHeadSize + " bytes");
        }
        String problem = parse(src, from, length);
        if (problem == null && hasTransferEncoding() && hasContentLength()) {
            // RFC 9112 6.3 lets Transfer-Encoding win, but a backend that sends both may have framed
            // by either, and guessing wrong desynchronizes a pooled connection: refused, as nginx does.
            problem = "Content-Length together with Transfer-Encoding";
        } else if (problem == null && transferEncodingFields() > 1) {
            // One list split over several fields: parsers differ on whether the last one counts.
            problem = "more than one Transfer-Encoding field";
        }
        if (src == partial) {
            // The bytes past the head came from `in`; give them back to it.
            int extra = partial.writerIndex() - end;
            in.readerIndex(in.writerIndex() - extra);
        } else {
            in.readerIndex(end);
        }
        releasePartial();
        if (problem != null) {
            return malformed(sink, problem);
        }
        boolean informational = status >= 100 && status < 200;
        boolean bodyless = informational || headRequest || status == 204 || status == 304;
        if (status == 101) {
            state = State.UPGRADED;
        } else if (informational) {
            state = State.HEAD; // the final response follows
        } else if (bodyless) {
            state = State.IDLE;
        } else if (chunked()) {
            state = State.CHUNK_SIZE;
        } else if (contentLength() >= 0) {
            remaining = contentLength();
            state = remaining == 0 ? State.IDLE : State.FIXED;
        } else {
            state = State.UNTIL_CLOSE;
        }
        sink.onResponseHead(this);
        if (state == State.BROKEN) {
            return false;
        }
        if (bodyless || state == State.IDLE) {
            sink.onResponseEnd(null);
            // A 1xx is followed by the final response; anything else ends the exchange.
            return informational && status != 101 && state == State.HEAD;
        }
        return true;
    }

    @Override
    protected String parseStartLine(byte[] b, int end) {
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (end < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
                || b[6] != '.' || b[8] != ' ') {
            return "not an HTTP/1 status line";
        }
        byte minor = b[7];
        if (minor == '1') {
            version = HttpVersion.HTTP_1_1;
        } else if (minor == '0') {
            version = HttpVersion.HTTP_1_0;
        } else {
            return "unsupported HTTP version";
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return "bad status code";
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || (end > 12 && b[12] != ' ')) {
            return "bad status code";
        }
        for (int i = 13; i < end; i++) {
            byte c = b[i];
            if (isControl(c)) {
                return "control character in the status line";
            }
        }
        status = code;
        return null;
    }

    @Override
    protected boolean crlfOnly() {
        return false;
    }

    // ------------------------------------------------------------------ chunks

    /** Reads one line (chunk size or trailer) into [lineStart, lineEnd) of the returned buffer, or null when incomplete. */
    private ByteBuf line(ByteBuf in, Sink sink) {
        if (partial == null) {
            int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (nl >= 0) {
                return in;
            }
            if (in.readableBytes() > MAX_LINE) {
                malformed(sink, "chunk line too long");
                return null;
            }
            partial = alloc.heapBuffer(64);
            partial.writeBytes(in);
            return null;
        }
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            partial.writeBytes(in);
            if (partial.readableBytes() > MAX_LINE) {
                malformed(sink, "chunk line too long");
            }
            return null;
        }
        partial.writeBytes(in, nl + 1 - in.readerIndex());
        return partial;
    }

    private boolean readChunkSize(ByteBuf in, Sink sink) {
        ByteBuf src = line(in, sink);
        if (src == null) {
            return false;
        }
        int s = src.readerIndex();
        int nl = src.indexOf(s, src.writerIndex(), (byte) '\n');
        int e = contentEnd(src, s, nl);
        long size = chunkSize(src, s, e);
        if (size < 0) {
            return malformed(sink, chunkSizeProblem(size));
        }
        src.readerIndex(nl + 1);
        releasePartial();
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    private boolean readChunkEnd(ByteBuf in, Sink sink) {
        ByteBuf src = line(in, sink);
        if (src == null) {
            return false;
        }
        int s = src.readerIndex();
        int nl = src.indexOf(s, src.writerIndex(), (byte) '\n');
        int e = contentEnd(src, s, nl);
        if (e != s) {
            return malformed(sink, "chunk data longer than its size");
        }
        src.readerIndex(nl + 1);
        releasePartial();
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Trailer fields up to the empty line; then the message ends. */
    private boolean readTrailers(ByteBuf in, Sink sink) {
        // Usually just the empty line; trailers themselves are rare.
        ByteBuf src = in;
        if (partial != null) {
            partial.writeBytes(in);
            src = partial;
        }
        int s = src.readerIndex();
        int end;
        int nl = src.indexOf(s, src.writerIndex(), (byte) '\n');
        if (nl < 0) {
            return keepPartial(src, in, sink);
        }
        boolean empty = nl == s || (nl == s + 1 && src.getByte(s) == '\r');
        if (empty) {
            end = nl + 1;
        } else {
            end = findHeadEnd(src, s);
            if (end < 0) {
                return keepPartial(src, in, sink);
            }
        }
        ByteBuf trailers = null;
        if (!empty) {
            for (int pos = s; pos < end; ) {
                int lf = src.indexOf(pos, end, (byte) '\n');
                int le = contentEnd(src, pos, lf);
                if (le > pos) {
                    String problem = trailerLineProblem(src, pos, le);
                    if (problem != null) {
                        return malformed(sink, problem);
                    }
                }
                pos = lf + 1;
            }
            trailers = src.retainedSlice(s, end - s);
        }
        if (src == partial) {
            int extra = partial.writerIndex() - end;
            in.readerIndex(in.writerIndex() - extra);
            releasePartial();
        } else {
            in.readerIndex(end);
        }
        state = State.IDLE;
        sink.onResponseEnd(trailers);
        return true;
    }

    private boolean keepPartial(ByteBuf src, ByteBuf in, Sink sink) {
        if (src != partial) {
            partial = alloc.heapBuffer(Math.max(64, in.readableBytes() * 2));
            partial.writeBytes(in);
        } else {
            in.skipBytes(in.readableBytes());
        }
        if (partial.readableBytes() > maxHeadSize) {
            return malformed(sink, "trailers larger than " + maxHeadSize + " bytes");
        }
        return false;
    }

    /** The end of the line from {@code from} to the LF at {@code lf}, without its CR if it has one. */
    private static int contentEnd(ByteBuf b, int from, int lf) {
        return lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    // ------------------------------------------------------------------ the reported head

    int status() {
        return status;
    }

    /** Appends the status line and its CRLF. */
    void writeStatusLine(ByteBuf out) {
        out.writeBytes(hb, 0, startLineEnd);
        out.writeShort(CRLF_SHORT);
    }

    // ------------------------------------------------------------------ helpers

    private boolean malformed(Sink sink, String why) {
        state = State.BROKEN;
        releasePartial();
        sink.onResponseMalformed(why);
        return false;
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
