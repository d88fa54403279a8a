package dev.berth.controller.api;

/** {@code POST /api/v1/instances/{id}/extend}: {@code {"by":"30m"}}. */
public record ExtendBody(String by) {
}
