package dev.berth.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few HTTP calls tests make: the API (JSON) and the proxy (any Host header). */
public final class Http {
    // The JDK client refuses to set Host itself; the proxy tests go through raw sockets instead.
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return BerthJson.json().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private Http() {
    }

    public static Reply call(String method, String url, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Reply get(String url) {
        return call("GET", url, null);
    }

    public static Reply post(String url, String json) {
        return call("POST", url, json);
    }
}
