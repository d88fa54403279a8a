package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a proxy reaches an instance's port: HTTP by Host, TLS by SNI, raw TCP by proxy port. */
public enum Protocol {
    HTTP, TCP, TLS;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Protocol parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("protocol is missing (http, tcp or tls)");
        }
        for (Protocol p : values()) {
            if (p.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + text + "' (http, tcp or tls)");
    }
}
