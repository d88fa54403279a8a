package dev.berth.worker.reconcile;

import dev.berth.protocol.v1.Assignment;
import java.util.Collection;

/** Where the worker agent delivers what the controller wants. Calls must not block. */
public interface AssignmentTarget {

    /** The complete set of instances assigned to this worker; anything else is removed. */
    void replaceAll(Collection<Assignment> assignments);

    /** Changes to the set: new or updated assignments, and instances to remove. */
    void apply(Collection<Assignment> upserts, Collection<String> removedInstanceIds);

    /** Report the current observed state of every instance again (the receiver may have missed some). */
    void resendAll();
}
