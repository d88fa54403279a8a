package dev.berth.model;

/** The lifecycle of DESIGN.md: PENDING → SCHEDULED → STARTING → READY → STOPPING → STOPPED, or FAILED / LOST. */
public enum InstanceState {
    PENDING, SCHEDULED, STARTING, READY, STOPPING, STOPPED, FAILED, LOST;

    /** The instance will never run again; its container is gone or being removed. */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED || this == LOST;
    }

    /** A worker should be running (or starting) a container for it. */
    public boolean wantsContainer() {
        return this == SCHEDULED || this == STARTING || this == READY;
    }
}
