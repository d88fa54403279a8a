package dev.berth.controller.store;

import dev.berth.controller.state.ClusterSnapshot;
import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.StateChange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applied state behind a read-write lock, with its change listeners. Listeners run inside
 * the write lock, which is what lets {@link #readAndSubscribe} hand out gap-free streams.
 */
public final class GuardedState {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedState.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Consumer<StateChange>> listeners = new CopyOnWriteArrayList<>();
    private ClusterState state = new ClusterState();
    private volatile CommandObserver observer = CommandObserver.NONE;

    /** Applies a command; {@code alsoLocked} runs under the same lock (the Raft index bookkeeping). */
    public ClusterState.Applied apply(long index, Command command, Runnable alsoLocked) {
        ClusterState.Applied applied;
        lock.writeLock().lock();
        try {
            applied = state.apply(index, command);
            alsoLocked.run();
            if (!applied.change().isEmpty()) {
                notifyListeners(applied.change());
            }
        } finally {
            lock.writeLock().unlock();
        }
        observer.applied(command, applied.result().isOk());
        return applied;
    }

    /** Sets who is told of every applied command (metrics); replaces the previous one. */
    public void observeCommands(CommandObserver observer) {
        this.observer = observer == null ? CommandObserver.NONE : observer;
    }

    private void notifyListeners(StateChange change) {
        for (Consumer<StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("state listener failed at index {}", change.index(), e);
            }
        }
    }

    /** Advances the applied index for log entries that carry no command (leader no-ops, configuration). */
    public void skip(long index, Runnable alsoLocked) {
        lock.writeLock().lock();
        try {
            state.skipTo(index);
            alsoLocked.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void replace(ClusterSnapshot snapshot) {
        lock.writeLock().lock();
        try {
            state = ClusterState.restore(snapshot);
            notifyListeners(StateChange.reset(snapshot.appliedIndex(), snapshot.routeVersion()));
        } finally {
            lock.writeLock().unlock();
        }
    }

    public <T> T read(Function<ClusterState, T> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    public <T> T readAndSubscribe(Function<ClusterState, T> reader, Consumer<StateChange> listener) {
        lock.readLock().lock();
        try {
            listeners.add(listener);
            return reader.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void unsubscribe(Consumer<StateChange> listener) {
        listeners.remove(listener);
    }
}
