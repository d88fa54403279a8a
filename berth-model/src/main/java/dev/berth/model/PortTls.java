package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What the proxy does with TLS for a port, beyond its protocol. Only {@code terminate} exists: on
 * a {@code tcp} port it makes the proxy's TLS entrypoint accept TLS for the port's hostname with
 * the proxy's own certificate and relay the plaintext to a container that speaks plain TCP.
 * (Passthrough is not a mode here: that is {@code protocol: tls}.)
 */
public enum PortTls {
    TERMINATE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static PortTls parse(String text) {
        for (PortTls t : values()) {
            if (text != null && t.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tls '" + text + "' (terminate; for passthrough use protocol: tls)");
    }
}
