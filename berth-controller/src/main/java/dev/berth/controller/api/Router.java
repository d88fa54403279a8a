package dev.berth.controller.api;

import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a method and a path such as {@code /api/v1/instances/{id}/extend} to an endpoint.
 * A path that exists under another method is a 405 naming the allowed ones; any other is a 404,
 * so a typo never looks like a missing object.
 */
public final class Router {
    private record Route(String method, String[] segments, ApiHandler handler) {
    }

    /** The endpoint for a request, with its path parameters. */
    public record Match(ApiHandler handler, Map<String, String> pathParams) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, ApiHandler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    public Router get(String pattern, ApiHandler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, ApiHandler handler) {
        return add("POST", pattern, handler);
    }

    public Router put(String pattern, ApiHandler handler) {
        return add("PUT", pattern, handler);
    }

    public Router delete(String pattern, ApiHandler handler) {
        return add("DELETE", pattern, handler);
    }

    /** The matching endpoint; throws NOT_FOUND or METHOD_NOT_ALLOWED (see {@link #allowed}). */
    public Match route(String method, String rawPath) {
        String[] segments = split(rawPath);
        Set<String> otherMethods = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r.handler(), params);
            }
            otherMethods.add(r.method());
        }
        if (otherMethods.isEmpty()) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + rawPath);
        }
        throw new MethodNotAllowed(method, rawPath, otherMethods);
    }

    /** A 405 that carries the methods the path does accept, for the Allow header. */
    public static final class MethodNotAllowed extends BerthException {
        private final List<String> allowed;

        MethodNotAllowed(String method, String path, Set<String> allowed) {
            super(ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed on " + path + " (allowed: " + String.join(", ", allowed) + ")");
            this.allowed = List.copyOf(allowed);
        }

        public List<String> allowed() {
            return allowed;
        }
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value = ApiRequest.decode(path[i]);
                if (value.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    /** Splits on '/', ignoring a trailing slash, so {@code /templates/} is {@code /templates}. */
    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
