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
     * Trailer, Proxy-Authorization, and Upgrade unless the protocol switches. Content-Length is
     * always kept: a response that has it together with Transfer-Encoding never gets here
     * ({@link ResponseParser} refuses it). The request side of the same rules is in
     * {@link RequestWriter}.
     */
    static boolean dropFromResponse(ResponseParser head, int i, boolean keepUpgrade) {
        return switch (head.fieldKind(i)) {
            case ResponseParser.HOP_FIELD, ResponseParser.CONNECTION_FIELD -> true;
            case ResponseParser.UPGRADE_FIELD -> !keepUpgrade;
            case ResponseParser.CONTENT_LENGTH_FIELD, ResponseParser.TRANSFER_ENCODING_FIELD,
                 ResponseParser.HOST_FIELD -> false;
            // Fields named in Connection, except the framing and routing ones (handled above).
            default -> head.fieldNamedInConnection(i);
        };
    }
}
