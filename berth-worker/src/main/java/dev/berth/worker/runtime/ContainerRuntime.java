package dev.berth.worker.runtime;

import dev.berth.protocol.v1.Assignment;
import java.util.List;
import java.util.Optional;

/**
 * The containers of one worker. The seam between reconciliation and Docker: unit tests
 * put a fake here. Every method blocks; callers keep it off latency-sensitive threads.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Every container labelled for this worker, including stopped ones. */
    List<ContainerInfo> list();

    /** Current state of one container; empty if it no longer exists. */
    Optional<ContainerInfo> inspect(String containerId);

    /**
     * Creates and starts a container for the assignment, its ports published with
     * engine-chosen host ports. Never pulls an image.
     *
     * @throws ContainerStartException with a reason fit to report (nothing is left behind)
     */
    ContainerInfo start(Assignment assignment);

    /** Removes the container, killing it if needed; a container already gone is not an error. */
    void remove(String containerId);

    @Override
    default void close() {
    }
}
