package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How an instance (as the API renders it) reads in a terminal. */
public final class InstanceText {
    private static final Set<String> ENDED = Set.of("STOPPING", "STOPPED", "FAILED", "LOST");

    private InstanceText() {
    }

    /**
     * What {@code berth launch} prints: enough to use the instance right away, so the ports too
     * when it has tcp or tls ones (an http instance's URL says it all).
     */
    public static void summary(PrintWriter out, JsonNode i) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", text(i, "id"));
        f.put("hostname", text(i, "hostname"));
        f.put("url", text(i, "url"));
        f.put("state", state(i));
        f.put("expires", expires(i));
        for (JsonNode p : i.path("ports")) {
            if (!"http".equals(text(p, "protocol"))) {
                f.put("ports", ports(i));
                break;
            }
        }
        print(out, f);
    }

    /** What {@code berth get} prints. Env values are left out: they are often flags or secrets; use -o json. */
    public static void details(PrintWriter out, JsonNode i) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", text(i, "id"));
        f.put("template", text(i, "template"));
        f.put("owner", text(i, "owner"));
        f.put("state", state(i));
        f.put("hostname", text(i, "hostname"));
        f.put("url", text(i, "url"));
        f.put("worker", text(i, "workerId"));
        f.put("created", text(i, "createdAtIso"));
        f.put("expires", expires(i));
        f.put("ports", ports(i));
        f.put("env", String.join(", ", fieldNames(i.path("env"))));
        print(out, f);
        if (i.path("events").size() > 0) {
            out.println("events:");
            for (JsonNode e : i.path("events")) {
                out.println("  " + java.time.Instant.ofEpochMilli(e.path("at").asLong()) + "  "
                        + String.format("%-9s", e.path("state").asText()) + " " + e.path("reason").asText());
            }
        }
    }

    public static Table table(JsonNode instances) {
        Table t = new Table("ID", "TEMPLATE", "OWNER", "STATE", "HOSTNAME", "EXPIRES IN");
        for (JsonNode i : instances) {
            t.row(text(i, "id"), text(i, "template"), text(i, "owner"), text(i, "state"), text(i, "hostname"), expiresIn(i));
        }
        return t;
    }

    /** "44m59s", "expired", or "-" once the instance has ended (its expiry no longer matters). */
    public static String expiresIn(JsonNode i) {
        if (ENDED.contains(text(i, "state"))) {
            return "-";
        }
        long s = i.path("remainingSeconds").asLong(0);
        return s <= 0 ? "expired" : Durations.format(Duration.ofSeconds(s));
    }

    static String expires(JsonNode i) {
        String in = expiresIn(i);
        return text(i, "expiresAtIso") + (in.equals("-") ? "" : in.equals("expired") ? " (expired)" : " (in " + in + ")");
    }

    private static String state(JsonNode i) {
        String reason = text(i, "reason");
        return text(i, "state") + (reason == null || reason.isBlank() ? "" : " (" + reason + ")");
    }

    /**
     * {@code web:8080/http, shell:1337/tcp -> :31000 (tls: terminate, proxyProtocol: v1)}: container
     * ports, the proxy port of each raw TCP one, and what the proxies add, in the template's words.
     */
    private static String ports(JsonNode i) {
        List<String> parts = new ArrayList<>();
        for (JsonNode p : i.path("ports")) {
            String name = text(p, "name");
            StringBuilder s = new StringBuilder(name + ":" + p.path("containerPort").asInt() + "/" + text(p, "protocol"));
            JsonNode proxyPort = i.path("tcpPorts").path(name);
            if (proxyPort.isNumber()) {
                s.append(" -> :").append(proxyPort.asInt());
            }
            List<String> extras = new ArrayList<>();
            if (text(p, "tls") != null) {
                extras.add("tls: " + text(p, "tls"));
            }
            if (text(p, "proxyProtocol") != null) {
                extras.add("proxyProtocol: " + text(p, "proxyProtocol"));
            }
            if (!extras.isEmpty()) {
                s.append(" (").append(String.join(", ", extras)).append(')');
            }
            parts.add(s.toString());
        }
        return String.join(", ", parts);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        names.sort(null); // the record's maps have no stable order; sorted output is diffable
        return names;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    private static void print(PrintWriter out, Map<String, String> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0) + 3;
        fields.forEach((k, v) -> out.println((k + ":").concat(" ".repeat(width - k.length() - 1))
                + (v == null || v.isEmpty() ? "-" : v)));
        out.flush();
    }
}
