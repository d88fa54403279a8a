package dev.berth.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One HTTP request as endpoints see it: path parameters, query, and a size-checked, typed body. */
public final class ApiRequest {
    /** Templates and launch requests are small; a bigger body is a mistake or an attack. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * How much of a refused body is read and dropped before the 413 goes out. A server that closes
     * with request bytes unread makes its kernel reset the connection, and the reset can destroy the
     * 413 before the client reads it; past this bound the client does get the reset.
     */
    static final int MAX_DISCARDED_BYTES = 16 << 20;

    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;

    ApiRequest(HttpExchange exchange, Map<String, String> pathParams) {
        this.exchange = exchange;
        this.pathParams = Map.copyOf(pathParams);
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    /** A query parameter, null when absent or empty (so {@code ?owner=} means no filter). */
    public String query(String name) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** Reads the body as {@code type}, as JSON or (when {@code yamlAllowed}) YAML by Content-Type. */
    public <T> T body(Class<T> type, boolean yamlAllowed) throws IOException {
        MediaTypes.Kind kind = MediaTypes.of(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (kind == MediaTypes.Kind.OTHER || (kind == MediaTypes.Kind.YAML && !yamlAllowed)) {
            throw new BerthException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "cannot read a body of type '"
                    + exchange.getRequestHeaders().getFirst("Content-Type") + "'; send "
                    + (yamlAllowed ? "application/json or application/yaml" : "application/json"));
        }
        byte[] bytes = bytes();
        ObjectMapper mapper = kind == MediaTypes.Kind.YAML ? BerthJson.yaml() : BerthJson.json();
        try {
            // Stricter than the shared mapping: "{...} junk" in a request is a mistake, not something to ignore.
            T value = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(bytes);
            if (value == null) {
                throw new BerthException(ErrorCode.INVALID_JSON, "the body is empty or null; expected an object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new BerthException(ErrorCode.INVALID_JSON, JsonProblems.describe(e));
        }
    }

    private byte[] bytes() throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                long length = Long.parseLong(declared.trim());
                if (length > MAX_BODY_BYTES) {
                    throw tooLarge(length <= MAX_DISCARDED_BYTES);
                }
            } catch (NumberFormatException e) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "bad Content-Length '" + declared + "'");
            }
        }
        // Chunked bodies carry no length: read one byte past the limit to notice them too.
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge(true);
            }
            return bytes;
        }
    }

    private BerthException tooLarge(boolean discardBody) throws IOException {
        if (discardBody) {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] sink = new byte[16 * 1024];
                long left = MAX_DISCARDED_BYTES;
                for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
                    left -= n;
                }
            }
        }
        return new BerthException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is over the limit of " + MAX_BODY_BYTES + " bytes");
    }

    static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "bad percent-encoding in '" + raw + "'");
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            q.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return q;
    }
}
