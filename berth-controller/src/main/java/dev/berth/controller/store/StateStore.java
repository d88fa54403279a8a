package dev.berth.controller.store;

import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.controller.state.StateChange;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the desired state lives: commands go in through consensus, committed state comes out.
 * The seam between Berth's control logic and the Raft library.
 */
public interface StateStore extends AutoCloseable {

    /** Replicates and applies a command; completes with its result once committed, from any controller. */
    CompletableFuture<CommandResult> submit(Command command);

    /** {@link #submit} and wait: the command's result, or the {@link dev.berth.model.BerthException} that refused it. */
    default CommandResult commit(Command command) {
        try {
            CommandResult result = submit(command).join();
            // Read-your-writes on this controller: a follower may learn of the commit after its proposer.
            awaitApplied(result.index(), java.time.Duration.ofSeconds(5));
            return result;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Reads this controller's applied state under the store's read lock; the reader must not keep references to mutable parts. */
    <T> T read(Function<ClusterState, T> reader);

    /**
     * Reads the state and subscribes to every later change atomically, so the subscriber sees
     * neither a gap nor a change twice. The listener runs on the apply thread: it must only enqueue.
     */
    <T> T readAndSubscribe(Function<ClusterState, T> reader, Consumer<StateChange> listener);

    void unsubscribe(Consumer<StateChange> listener);

    /**
     * Waits until this controller has applied the log up to {@code index}: a follower's state can
     * lag the commit its proposer was told about. False when the wait timed out.
     */
    default boolean awaitApplied(long index, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (read(ClusterState::appliedIndex) < index) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    boolean isLeader();

    /** Changes the controller group's membership (joint consensus); new members run with join. */
    void setMembers(java.util.List<RaftStatus.Peer> members);

    RaftStatus status();

    @Override
    void close();
}
