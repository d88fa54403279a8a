package dev.berth.proxy.http;

/**
 * Header rules of a reverse proxy (RFC 9110 7.6.1): hop-by-hop fields stop here, forwarding
 * fields say who the client was ({@link RequestWriter} applies them to requests as it writes
 * them). Transfer-Encoding is kept: it frames the streamed body.
 */
final class ProxyHeaders {
    private ProxyHeaders() {
    }

    /**
     * Whether field {@code i} of a backend's response head stops at this hop: Connection and the
     * fields it names (except the framing and routing ones), Keep-Alive, Proxy-Connection, TE,
     * Trailer, Proxy-Authorization, and Upgrade unless the protocol switches. Content-Length goes
     * too when Transfer-Encoding is present (RFC 9112 6.3: it must not be forwarded then). The
     * request side of the same rules is in {@link RequestWriter}.
     */
    static boolean dropFromResponse(ResponseParser head, int i, boolean keepUpgrade, boolean transferEncoding) {
        return switch (head.fieldKind(i)) {
            case ResponseParser.HOP_FIELD, ResponseParser.CONNECTION_FIELD -> true;
            case ResponseParser.UPGRADE_FIELD -> !keepUpgrade;
            case ResponseParser.CONTENT_LENGTH_FIELD -> transferEncoding;
            case ResponseParser.TRANSFER_ENCODING_FIELD, ResponseParser.HOST_FIELD -> false;
            // Fields named in Connection, except the framing and routing ones (handled above).
            default -> head.fieldNamedInConnection(i);
        };
    }
}
