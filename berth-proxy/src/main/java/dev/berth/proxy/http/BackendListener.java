package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;

/** What a backend connection reports to the client-side handler that currently owns it. */
interface BackendListener {
    /** A response head; {@code head} is valid during the call only. */
    void onBackendHead(ResponseParser head);

    /** Body payload (chunked framing already removed), valid during the call: the listener retains what it keeps. */
    void onBackendContent(ByteBuf payload);

    /** The response is complete; {@code trailers} are raw field lines ending with an empty line, or null. */
    void onBackendEnd(ByteBuf trailers);

    /** The backend sent something that is not a response the proxy can forward. */
    void onBackendMalformed(String why);

    void onBackendReadComplete();

    void onBackendWritabilityChanged(boolean writable);

    /** The connection died (closed or failed) while owned; {@code cause} may be null for a plain close. */
    void onBackendClosed(Throwable cause);
}
