package dev.berth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Berth's REST API over the JDK HttpClient: JSON in, JSON out, refusals as {@link ApiException},
 * no answer at all as {@link ApiUnreachableException}.
 */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Commits wait for Raft, which gives up after 15s; leave room for that answer to arrive. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final String baseUrl;
    private final String token;

    /** @param baseUrl e.g. {@code http://127.0.0.1:7070}; @param token bearer token, null for none */
    public ApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token == null || token.isBlank() ? null : token.trim();
        URI.create(this.baseUrl + "/api/v1"); // fail now on a malformed --api, not on first use
    }

    public String baseUrl() {
        return baseUrl;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** One path segment, escaped (names and ids are plain, but user input is user input). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends {@code body} as JSON to {@code /api/v1<path>}; the reply's JSON, or null when it has none. */
    public JsonNode send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(json(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response = exchange(request.build());
        if (response.statusCode() >= 400) {
            throw refusal(response);
        }
        return parse(response);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ApiUnreachableException(baseUrl, e);
        } catch (HttpTimeoutException e) {
            throw new ApiException(0, "timeout", "the Berth API at " + baseUrl + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new ApiUnreachableException(baseUrl, e);
            }
            throw new ApiException(0, "io", "talking to the Berth API at " + baseUrl + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted", "interrupted while waiting for the Berth API");
        }
    }

    private static byte[] json(Object body) {
        try {
            return BerthJson.json().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request as JSON: " + e.getMessage(), e);
        }
    }

    private JsonNode parse(HttpResponse<byte[]> response) {
        if (response.body().length == 0) {
            return null;
        }
        try {
            return BerthJson.json().readTree(response.body());
        } catch (IOException e) {
            throw new ApiException(response.statusCode(), "bad_response", "the server at " + baseUrl + " did not answer JSON; is --api a Berth API?");
        }
    }

    /** The API's error shape when there is one; otherwise whatever else answered (a proxy, another server). */
    private ApiException refusal(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        try {
            JsonNode error = BerthJson.json().readTree(response.body()).path("error");
            if (error.hasNonNull("code")) {
                return new ApiException(status, error.get("code").asText(), error.path("message").asText(""));
            }
        } catch (IOException e) {
            // not our JSON: fall through
        }
        String text = new String(response.body(), StandardCharsets.UTF_8).strip();
        return new ApiException(status, "http_" + status, "HTTP " + status + " from " + baseUrl
                + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text)));
    }
}
