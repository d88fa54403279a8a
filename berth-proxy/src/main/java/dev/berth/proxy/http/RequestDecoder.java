package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads HTTP/1 requests from a client connection straight from its bytes: a {@link RequestHead}
 * per request, then, if it has a body, the body as Netty
 * {@link io.netty.handler.codec.http.HttpContent} pieces ending with a {@link LastHttpContent}. A
 * request without a body is the head alone, marked {@link RequestHead#complete()}. The
 * head is one copy of its bytes plus offsets; nothing per field line is allocated.
 *
 * <p>Stricter than RFC 9112 requires of a server where leniency would let two parsers disagree:
 * every line ends with CRLF, chunk-size lines included. Limits: a request line over
 * {@code maxLine} is refused with 414, a field block over {@code maxFields} with 431. A refused
 * head, or a malformed chunked body ({@link #failed(LastHttpContent)}), is the last message:
 * everything after it is dropped unread, and the proxy answers and closes.
 *
 * <p>One decoder per connection, on its event loop. {@link #recycle} hands back the head of a
 * finished exchange so the next request reuses its arrays.
 */
final class RequestDecoder extends ByteToMessageDecoder {
    /** A chunk-size line longer than this (extensions included) is refused. */
    private static final int MAX_CHUNK_LINE = 4096;

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, BAD }

    private final Runnable onBytes;
    private final int maxLine;
    private final int maxFields;
    private State state = State.HEAD;
    private RequestHead spare;
    private long remaining;

    // Scanning a head that arrives in pieces, as offsets from the reader index.
    private int scanned;
    private int lineStart;
    private int requestLineEnd = -1;

    // Trailers of a chunked body.
    private LastHttpContent trailers;
    private int trailerBytes;

    /** @param onBytes runs for every read from the client, before decoding */
    RequestDecoder(Runnable onBytes, int maxLine, int maxFields) {
        this.onBytes = onBytes;
        this.maxLine = maxLine;
        this.maxFields = maxFields;
    }

    /** Whether {@code msg} is a body that ended malformed (a {@link LastHttpContent} with a failed result). */
    static boolean failed(LastHttpContent msg) {
        return msg.decoderResult().isFailure();
    }

    /** The exchange of {@code head} is over: its arrays serve the next request. */
    void recycle(RequestHead head) {
        spare = head;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        onBytes.run();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> readHead(in, out);
            case FIXED -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                remaining -= n;
                if (remaining == 0) {
                    state = State.HEAD;
                    out.add(new DefaultLastHttpContent(in.readRetainedSlice(n)));
                } else {
                    out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
                }
            }
            case CHUNK_SIZE -> readChunkSize(in, out);
            case CHUNK_DATA -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                remaining -= n;
                if (remaining == 0) {
                    state = State.CHUNK_CRLF;
                }
                out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
            }
            case CHUNK_CRLF -> {
                if (in.readableBytes() >= 2) {
                    if (in.readShort() != HeadFields.CRLF_SHORT) {
                        bodyFailed(in, out, "chunk data longer than its size");
                    } else {
                        state = State.CHUNK_SIZE;
                    }
                }
            }
            case TRAILERS -> readTrailer(in, out);
            case BAD -> in.skipBytes(in.readableBytes());
        }
    }

    // ------------------------------------------------------------------ head

    private void readHead(ByteBuf in, List<Object> out) {
        int base = in.readerIndex();
        int limit = in.writerIndex();
        int i = base + scanned;
        while (true) {
            int lf = in.indexOf(i, limit, (byte) '\n');
            if (lf < 0) {
                scanned = limit - base;
                break;
            }
            if (lf == base || in.getByte(lf - 1) != '\r') {
                headFailed(in, out, HttpResponseStatus.BAD_REQUEST, "line ends with a bare LF");
                return;
            }
            int contentEnd = lf - 1 - base;
            if (requestLineEnd < 0) {
                if (contentEnd == lineStart) {
                    // An empty line before the request line (RFC 9112 2.2): skip it.
                    in.readerIndex(lf + 1);
                    resetScan();
                    return;
                }
                if (contentEnd > maxLine) {
                    headFailed(in, out, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
                    return;
                }
                requestLineEnd = contentEnd;
            } else if (contentEnd == lineStart) {
                int length = lf + 1 - base;
                if (length - requestLineEnd - 2 > maxFields) {
                    headFailed(in, out, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header fields too large");
                    return;
                }
                resetScan();
                head(in, base, length, out);
                return;
            }
            lineStart = lf + 1 - base;
            i = lf + 1;
        }
        // Incomplete: refuse as soon as a limit is passed rather than buffer more.
        if (requestLineEnd < 0 && scanned > maxLine + 1) {
            headFailed(in, out, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        } else if (requestLineEnd >= 0 && scanned - requestLineEnd - 2 > maxFields) {
            headFailed(in, out, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header fields too large");
        }
    }

    private void head(ByteBuf in, int from, int length, List<Object> out) {
        RequestHead h = spare != null ? spare : new RequestHead();
        spare = null;
        h.parseFrom(in, from, length);
        in.readerIndex(from + length);
        out.add(h);
        if (h.failure() != null) {
            state = State.BAD;
        } else if (h.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (h.contentLength() > 0) {
            remaining = h.contentLength();
            state = State.FIXED;
        } else {
            h.markComplete(); // no empty last-content message: one message per bodiless request
        }
    }

    private void headFailed(ByteBuf in, List<Object> out, HttpResponseStatus status, String why) {
        resetScan();
        in.skipBytes(in.readableBytes());
        state = State.BAD;
        out.add(new RequestHead().fail(status, why));
    }

    private void resetScan() {
        scanned = 0;
        lineStart = 0;
        requestLineEnd = -1;
    }

    // ------------------------------------------------------------------ chunked body

    /**
     * Where the line at the reader index ends: the index of its CR (so its content is
     * [readerIndex, result)), or -1 when it is incomplete or refused (then the body has failed).
     */
    private int lineEnd(ByteBuf in, int max, List<Object> out, String tooLong) {
        int s = in.readerIndex();
        int lf = in.indexOf(s, Math.min(in.writerIndex(), s + max + 2), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > max + 1) {
                bodyFailed(in, out, tooLong);
            }
            return -1;
        }
        if (lf == s || in.getByte(lf - 1) != '\r') {
            bodyFailed(in, out, "line ends with a bare LF");
            return -1;
        }
        return lf - 1;
    }

    private void readChunkSize(ByteBuf in, List<Object> out) {
        int e = lineEnd(in, MAX_CHUNK_LINE, out, "chunk-size line too long");
        if (e < 0) {
            return;
        }
        long size = HeadFields.chunkSize(in, in.readerIndex(), e);
        if (size < 0) {
            bodyFailed(in, out, HeadFields.chunkSizeProblem(size));
            return;
        }
        in.readerIndex(e + 2);
        if (size == 0) {
            state = State.TRAILERS;
            trailers = null;
            trailerBytes = 0;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void readTrailer(ByteBuf in, List<Object> out) {
        if (trailerBytes >= maxFields) {
            bodyFailed(in, out, "trailers too large");
            return;
        }
        int e = lineEnd(in, maxFields - trailerBytes, out, "trailers too large");
        if (e < 0) {
            return;
        }
        int s = in.readerIndex();
        in.readerIndex(e + 2);
        if (e == s) {
            state = State.HEAD;
            out.add(trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT : trailers);
            trailers = null;
            return;
        }
        trailerBytes += e + 2 - s;
        String problem = HeadFields.trailerLineProblem(in, s, e);
        if (problem != null) {
            bodyFailed(in, out, problem);
            return;
        }
        int colon = in.indexOf(s, e, (byte) ':');
        if (trailers == null) {
            trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        }
        try {
            trailers.trailingHeaders().add(in.toString(s, colon - s, StandardCharsets.US_ASCII),
                    in.toString(colon + 1, e - colon - 1, StandardCharsets.ISO_8859_1).strip());
        } catch (IllegalArgumentException prohibited) {
            // Netty refuses trailer fields that frame or route the message (Content-Length, Host ...).
            bodyFailed(in, out, "prohibited trailer field");
        }
    }

    private void bodyFailed(ByteBuf in, List<Object> out, String why) {
        in.skipBytes(in.readableBytes());
        state = State.BAD;
        trailers = null;
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        end.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
        out.add(end);
    }
}
