package dev.berth.it.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the deadline is a bound, not a timing claim. */
public final class Eventually {
    private Eventually() {
    }

    public static <T> T await(String what, Duration within, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = null;
        Throwable lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        AssertionError err = new AssertionError("timed out after " + within + " waiting for " + what + "; last value: " + last);
        if (lastError != null) {
            err.addSuppressed(lastError);
        }
        throw err;
    }

    public static void until(String what, Duration within, Supplier<Boolean> condition) {
        await(what, within, condition, Boolean::booleanValue);
    }
}
