package dev.berth.proxy.http;

import io.netty.handler.codec.http.HttpObject;

/** What a backend connection reports to the client-side handler that currently owns it. */
interface BackendListener {
    void onBackendMessage(HttpObject msg);

    void onBackendReadComplete();

    void onBackendWritabilityChanged(boolean writable);

    /** The connection died (closed or failed) while owned; {@code cause} may be null for a plain close. */
    void onBackendClosed(Throwable cause);
}
