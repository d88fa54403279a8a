package dev.berth.model;

import java.time.Duration;

/** How long an instance lives unless extended, and the most it may ever be given. */
public record TtlPolicy(Duration defaultTtl, Duration maxTtl) {
    public static final TtlPolicy DEFAULT = new TtlPolicy(Duration.ofMinutes(30), Duration.ofHours(2));
}
