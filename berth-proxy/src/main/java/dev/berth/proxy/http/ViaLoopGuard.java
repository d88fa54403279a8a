package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Via field this proxy adds to every request it forwards (RFC 9110 7.6.3, which a gateway
 * must send), named with a pseudonym unique to this proxy server. A request that comes back with
 * that pseudonym in its Via went round a loop — a route whose backend is this proxy, or a chain
 * of proxies back to it — and is answered 508 at once, instead of being forwarded again and again
 * until its growing header block is refused, holding a connection per pass.
 */
final class ViaLoopGuard {
    private final byte[] pseudonym;
    private final byte[] line;

    ViaLoopGuard(String pseudonym) {
        this.pseudonym = pseudonym.getBytes(StandardCharsets.US_ASCII);
        this.line = ("via: 1.1 " + pseudonym + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A guard with a pseudonym of its own: "berth-" and 8 random hex digits. */
    static ViaLoopGuard random() {
        return new ViaLoopGuard("berth-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }

    /** Whether this proxy forwarded {@code head} before. */
    boolean forwardedBefore(RequestHead head) {
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            if (head.fieldKind(i) == HeadFields.VIA_FIELD && head.fieldValueContains(i, pseudonym)) {
                return true;
            }
        }
        return false;
    }

    /** Appends this proxy's Via line. */
    void write(ByteBuf out) {
        out.writeBytes(line);
    }
}
