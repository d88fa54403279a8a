package dev.berth.proxy.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current route table. Event loops read it once per request or connection (one volatile
 * read); writers swap whole immutable tables, so readers never lock.
 */
public final class RouteTableHolder {
    private static final Logger log = LoggerFactory.getLogger(RouteTableHolder.class);

    private final AtomicReference<RouteTable> current;
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();

    public RouteTableHolder() {
        this(RouteTable.empty());
    }

    public RouteTableHolder(RouteTable initial) {
        current = new AtomicReference<>(initial);
    }

    public RouteTable current() {
        return current.get();
    }

    public void set(RouteTable table) {
        current.set(table);
        notifyListeners(table);
    }

    /** Atomically replaces the table with {@code fn(current)}; returns the new table. */
    public RouteTable update(UnaryOperator<RouteTable> fn) {
        RouteTable next = current.updateAndGet(fn);
        notifyListeners(next);
        return next;
    }

    /** Called (on the writer's thread) after every change, e.g. to open TCP ports or export the version. */
    public void addListener(Consumer<RouteTable> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<RouteTable> listener) {
        listeners.remove(listener);
    }

    private void notifyListeners(RouteTable table) {
        for (Consumer<RouteTable> l : listeners) {
            try {
                l.accept(table);
            } catch (RuntimeException e) {
                log.warn("route table listener failed", e);
            }
        }
    }
}
