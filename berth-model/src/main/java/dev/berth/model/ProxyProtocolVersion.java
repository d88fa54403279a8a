package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The PROXY protocol header (HAProxy's, v1 text or v2 binary) a proxy writes first on each
 * connection it opens to a {@code tcp} or {@code tls} port that asks for it, naming the player's
 * address and port, which the instance would otherwise see as the proxy's.
 */
public enum ProxyProtocolVersion {
    V1(1),
    V2(2);

    private final int number;

    ProxyProtocolVersion(int number) {
        this.number = number;
    }

    /** 1 or 2, as on the wire between controllers and proxies. */
    public int number() {
        return number;
    }

    /** The version numbered {@code n}; null for 0 (none). */
    public static ProxyProtocolVersion ofNumber(int n) {
        return switch (n) {
            case 0 -> null;
            case 1 -> V1;
            case 2 -> V2;
            default -> throw new IllegalArgumentException("unknown PROXY protocol version " + n);
        };
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ProxyProtocolVersion parse(String text) {
        for (ProxyProtocolVersion v : values()) {
            if (text != null && v.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown proxyProtocol '" + text + "' (v1 or v2)");
    }
}
