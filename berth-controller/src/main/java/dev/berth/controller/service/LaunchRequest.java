package dev.berth.controller.service;

import java.time.Duration;
import java.util.Map;

/** What a caller asks for: a template, an owner, optionally a ttl and per-instance env values. */
public record LaunchRequest(String template, String owner, Duration ttl, Map<String, String> env) {
    public LaunchRequest {
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
