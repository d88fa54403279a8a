package dev.berth.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JSON client over the JDK HttpClient for the API tests. */
final class Http {
    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String code() {
            return json.path("error").path("code").asText(null);
        }

        String message() {
            return json.path("error").path("message").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    Reply put(String path, String json) {
        return send("PUT", path, json, "application/json");
    }

    Reply send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? BerthJson.json().missingNode() : BerthJson.json().readTree(r.body());
            return new Reply(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
