package dev.berth.controller.grpc;

import dev.berth.controller.state.StateChange;
import dev.berth.controller.state.StateChange.RouteDelta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The most recent route deltas this controller applied, so a proxy that reconnects with a
 * version it already has gets only what it missed. Runs as a state listener, so it is only
 * read and written under the state lock.
 *
 * <p>Bounded by count and by the PEM they hold: a delta that carries certificates can weigh
 * 64 KiB where a route weighs a hundred bytes, so a burst of certificate changes drops old
 * deltas early (a proxy that far behind gets the full table instead).
 */
final class RouteHistory implements Consumer<StateChange> {
    /** PEM bytes the retained deltas may hold together. */
    static final long CERTIFICATE_BUDGET = 4L << 20;
    private final int capacity;
    private final Deque<RouteDelta> deltas = new ArrayDeque<>();
    private long certificateBytes;
    /** Deltas after this version are all retained; before it, some were never seen or dropped. */
    private long floor;

    RouteHistory(int capacity, long startVersion) {
        this.capacity = capacity;
        this.floor = startVersion;
    }

    @Override
    public void accept(StateChange change) {
        if (change.reset()) {
            // The deltas that led to the installed snapshot were never seen here.
            deltas.clear();
            certificateBytes = 0;
            floor = change.routes().version();
            return;
        }
        if (change.routes().isEmpty()) {
            return;
        }
        deltas.addLast(change.routes());
        certificateBytes += pemBytes(change.routes());
        while (deltas.size() > capacity || (certificateBytes > CERTIFICATE_BUDGET && deltas.size() > 1)) {
            RouteDelta dropped = deltas.removeFirst();
            certificateBytes -= pemBytes(dropped);
            floor = dropped.version();
        }
    }

    private static long pemBytes(RouteDelta d) {
        long n = 0;
        for (var c : d.certificateUpserts()) {
            n += c.certificate().length() + c.key().length();
        }
        return n;
    }

    /** Every delta after {@code version}, or empty when history no longer reaches back that far. */
    Optional<List<RouteDelta>> since(long version) {
        if (version < floor) {
            return Optional.empty();
        }
        List<RouteDelta> out = new ArrayList<>();
        for (RouteDelta d : deltas) {
            if (d.version() > version) {
                out.add(d);
            }
        }
        return Optional.of(out);
    }
}
