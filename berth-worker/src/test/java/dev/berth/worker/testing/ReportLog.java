package dev.berth.worker.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Collects reports and lets a test wait for one. */
public final class ReportLog implements Consumer<InstanceReport> {
    private final List<InstanceReport> reports = new ArrayList<>();

    @Override
    public synchronized void accept(InstanceReport r) {
        reports.add(r);
        notifyAll();
    }

    public synchronized List<InstanceReport> all() {
        return List.copyOf(reports);
    }

    public synchronized List<InstanceReport> of(String instanceId) {
        return reports.stream().filter(r -> r.getInstanceId().equals(instanceId)).toList();
    }

    /** Waits for the first report (ever received) of {@code instanceId} in {@code state}. */
    public InstanceReport await(String instanceId, ObservedState state, Duration timeout) {
        return await(r -> r.getInstanceId().equals(instanceId) && r.getState() == state, timeout,
                instanceId + " " + state);
    }

    public synchronized InstanceReport await(Predicate<InstanceReport> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (InstanceReport r : reports) {
                if (match.test(r)) {
                    return r;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return fail("no report " + what + " within " + timeout + "; got " + new ArrayList<>(reports));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }
    }
}
