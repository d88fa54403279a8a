package dev.berth.controller.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HttpHandler: authenticates, routes, runs the endpoint and writes its answer, turning
 * every failure into the API's error shape. Nothing escapes to the JDK server, which would
 * otherwise drop the connection without a response.
 */
final class ApiDispatcher implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);
    /**
     * Load balancers and monitors probe health without credentials (it reveals only the node's
     * role), and Prometheus scrapes metrics (counts and indexes, no names, ids or flags).
     */
    private static final Set<String> PUBLIC_PATHS = Set.of("/api/v1/health", "/metrics");

    private final Router router;
    private final BearerAuth auth;

    ApiDispatcher(Router router, BearerAuth auth) {
        this.router = router;
        this.auth = auth;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            write(exchange, respond(exchange));
        } catch (IOException e) {
            // The client went away mid-response; nothing left to tell it.
            LOG.debug("could not write a response to {}", exchange.getRemoteAddress(), e);
        }
    }

    private ApiResponse respond(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            if (!PUBLIC_PATHS.contains(path.replaceAll("/+$", ""))) {
                auth.check(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            Router.Match match = router.route(method, path);
            return match.handler().handle(new ApiRequest(exchange, match.pathParams()));
        } catch (Router.MethodNotAllowed e) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", e.allowed()));
            return error(e.code(), e.getMessage());
        } catch (BerthException e) {
            if (e.code() == ErrorCode.UNAUTHORIZED) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"berth\"");
            }
            return error(e.code(), e.getMessage());
        } catch (Exception e) {
            LOG.error("{} {} failed", method, path, e);
            return error(ErrorCode.INTERNAL, "internal error (" + e.getClass().getSimpleName() + "); see the controller's log");
        }
    }

    private static ApiResponse error(ErrorCode code, String message) {
        return new ApiResponse(code.httpStatus(), ErrorBody.of(code, message == null ? code.wireName() : message));
    }

    private static void write(HttpExchange exchange, ApiResponse response) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        if (response.body() instanceof ApiResponse.Raw raw) {
            exchange.getResponseHeaders().set("Content-Type", raw.contentType());
            exchange.sendResponseHeaders(response.status(), raw.bytes().length == 0 ? -1 : raw.bytes().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(raw.bytes());
            }
            return;
        }
        byte[] bytes;
        int status = response.status();
        try {
            bytes = BerthJson.json().writeValueAsBytes(response.body());
        } catch (IOException | RuntimeException e) {
            LOG.error("could not render the response to {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            status = ErrorCode.INTERNAL.httpStatus();
            bytes = BerthJson.json().writeValueAsBytes(ErrorBody.of(ErrorCode.INTERNAL, "could not render the response"));
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
