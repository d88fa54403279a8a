package dev.berth.worker.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with jitter, so a fleet of workers does not reconnect in lockstep. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private long currentMillis;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.currentMillis = initial.toMillis();
    }

    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** The pause before the next attempt (within ±20% of the nominal value); doubles the nominal value. */
    public synchronized Duration next() {
        long nominal = currentMillis;
        currentMillis = Math.min(currentMillis * 2, max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(nominal * jitter)));
    }

    /** After a success: the next failure starts over from the initial pause. */
    public synchronized void reset() {
        currentMillis = initial.toMillis();
    }
}
