package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Writes responses to the client in the client's protocol: a backend's response as it streams
 * in, or one of the proxy's own. {@link HttpProxyHandler} decides what is said; this decides how
 * it looks on the wire: HTTP/1 bytes ({@link Http1ResponseWriter}) or the objects an h2 stream's
 * codec frames ({@link Http2ResponseWriter}).
 */
sealed interface ResponseWriter permits Http1ResponseWriter, Http2ResponseWriter {

    /** A 1xx response other than 101, relayed as it came; the final one follows. */
    void interim(ResponseParser head);

    /**
     * The final response's head, minus hop-by-hop fields.
     *
     * @param upgrade   a 101 the client asked for: the connection becomes a tunnel
     * @param reChunk   the backend's body ends at its close and goes to the client chunked
     * @param chunked   the body goes to the client chunked (the backend's chunks, or re-chunked)
     * @param keepAlive the client's connection stays open after this response
     * @param version   the client's HTTP version, whose default decides whether keep-alive is said
     */
    void head(ResponseParser head, boolean upgrade, boolean reChunk, boolean chunked, boolean keepAlive, HttpVersion version);

    /** A piece of the response body (not released: the caller owns it). */
    void content(ByteBuf payload);

    /**
     * The end of the response, with the trailers of a chunked body (released here) or null.
     *
     * @return the future of the last write when the connection closes after it, else null
     */
    ChannelFuture end(ByteBuf trailers, boolean closeAfter);

    /** A response of the proxy's own, written and flushed now (no body for HEAD); releases it. */
    ChannelFuture local(FullHttpResponse response, boolean headRequest);

    /** Writes what waits to be merged with more (a head with a small body) now. */
    void writePending();

    /** Drops what was not written yet, as the exchange ends without it. */
    void discardPending();

    /** Flushes what was written: with the event loop's batch, or now where the codec must frame it. */
    void flushSoon();
}
