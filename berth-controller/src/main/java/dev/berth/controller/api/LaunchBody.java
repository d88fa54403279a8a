package dev.berth.controller.api;

import java.util.Map;

/** {@code POST /api/v1/instances}: {@code {"template":"whoami","owner":"team42","ttl":"45m","env":{"K":"V"}}}. */
public record LaunchBody(String template, String owner, String ttl, Map<String, String> env) {
}
