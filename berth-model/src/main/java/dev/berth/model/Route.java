package dev.berth.model;

/**
 * Where traffic matching {@code key} goes. Derived from instances, never written by hand:
 * {@code backend} is the READY instance's endpoint, or null for an instance still starting
 * (proxies answer 503 "starting" for it).
 */
public record Route(RouteKey key, String instanceId, Endpoint backend) {
}
