package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How a serving certificate (as the API renders it, without its key) reads in a terminal. */
final class TlsText {
    /** Enough of the fingerprint to tell certificates apart in a table; {@code tls get} shows it whole. */
    private static final int SHORT_FINGERPRINT = 23;

    private TlsText() {
    }

    static List<String> names(JsonNode c) {
        List<String> names = new ArrayList<>();
        c.path("dnsNames").forEach(n -> names.add(n.asText()));
        return names;
    }

    static Table table(JsonNode certificates, Instant now) {
        Table t = new Table("NAME", "DNS NAMES", "NOT AFTER", "EXPIRES IN", "SHA-256");
        for (JsonNode c : certificates) {
            String fingerprint = c.path("fingerprint").asText();
            t.row(c.path("name").asText(), String.join(",", names(c)), c.path("notAfterIso").asText(), expiresIn(c, now),
                    fingerprint.length() > SHORT_FINGERPRINT ? fingerprint.substring(0, SHORT_FINGERPRINT) + "..." : fingerprint);
        }
        return t;
    }

    static void details(PrintWriter out, JsonNode c, Instant now) {
        out.println("name:        " + c.path("name").asText());
        out.println("dns names:   " + String.join(", ", names(c)));
        out.println("not after:   " + c.path("notAfterIso").asText() + " (" + expiresIn(c, now) + ")");
        out.println("sha256:      " + c.path("fingerprint").asText());
        out.flush();
    }

    /** "in 89d", "EXPIRED": days are what an operator plans renewals in. */
    static String expiresIn(JsonNode c, Instant now) {
        Duration left = Duration.between(now, Instant.ofEpochMilli(c.path("notAfter").asLong()));
        if (left.isNegative() || left.isZero()) {
            return "EXPIRED";
        }
        return left.toDays() > 0 ? "in " + left.toDays() + "d" : "in " + Math.max(1, left.toHours()) + "h";
    }
}
