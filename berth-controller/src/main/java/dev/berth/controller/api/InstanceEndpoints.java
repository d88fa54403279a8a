package dev.berth.controller.api;

import dev.berth.controller.service.InstanceService;
import dev.berth.controller.service.LaunchRequest;
import dev.berth.model.BerthException;
import dev.berth.model.Durations;
import dev.berth.model.ErrorCode;
import dev.berth.model.InstanceState;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code /api/v1/instances}: launch, list, read, extend, stop. */
final class InstanceEndpoints {
    private static final String STOP_REASON = "stopped through the API";

    private final InstanceService instances;
    private final InstanceView view;

    InstanceEndpoints(InstanceService instances, InstanceView view) {
        this.instances = instances;
        this.view = view;
    }

    void register(Router r) {
        r.post("/api/v1/instances", req -> ApiResponse.created(view.render(instances.launch(launchRequest(req.body(LaunchBody.class, false))))));
        r.get("/api/v1/instances", req -> ApiResponse.ok(instances.list(req.query("owner"), state(req.query("state")))
                .stream().map(view::render).toList()));
        r.get("/api/v1/instances/{id}", req -> ApiResponse.ok(view.render(instances.get(req.path("id")))));
        r.get("/api/v1/instances/{id}/events", req -> ApiResponse.ok(instances.get(req.path("id")).events()));
        r.post("/api/v1/instances/{id}/extend", req -> ApiResponse.ok(view.render(
                instances.extend(req.path("id"), duration("by", req.body(ExtendBody.class, false).by())))));
        r.post("/api/v1/instances/{id}/stop", req -> ApiResponse.ok(view.render(instances.stop(req.path("id"), STOP_REASON))));
        r.delete("/api/v1/instances/{id}", req -> ApiResponse.ok(view.render(instances.stop(req.path("id"), STOP_REASON))));
    }

    static LaunchRequest launchRequest(LaunchBody b) {
        Map<String, String> env = b.env() == null ? Map.of() : b.env();
        env.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "env: '" + k + "' has no value");
            }
        });
        return new LaunchRequest(b.template(), b.owner(), b.ttl() == null ? null : duration("ttl", b.ttl()), env);
    }

    static Duration duration(String field, String text) {
        if (text == null) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, field + " is missing (e.g. 30m)");
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, field + ": " + e.getMessage());
        }
    }

    static InstanceState state(String text) {
        if (text == null) {
            return null;
        }
        try {
            return InstanceState.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "unknown state '" + text + "' (one of "
                    + Arrays.stream(InstanceState.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")");
        }
    }
}
