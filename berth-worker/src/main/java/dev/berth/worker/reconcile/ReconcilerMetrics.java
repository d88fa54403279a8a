package dev.berth.worker.reconcile;

/**
 * What the reconciler tells about its work, for metrics. Called from operation threads, so
 * implementations must be thread-safe and cheap; every method does nothing by default.
 */
public interface ReconcilerMetrics {
    ReconcilerMetrics NONE = new ReconcilerMetrics() { };

    /** A container was created and started for an instance. */
    default void containerStarted() {
    }

    /** A container was removed (unassigned, orphaned, or a leftover of a crash before its start). */
    default void containerRemoved() {
    }

    /** A started or adopted container did not pass its readiness probe. */
    default void readinessFailed() {
    }
}
