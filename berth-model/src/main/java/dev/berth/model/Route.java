package dev.berth.model;

/** Where traffic matching {@code key} goes. Derived from READY instances, never written by hand. */
public record Route(RouteKey key, String instanceId, Endpoint backend) {
}
