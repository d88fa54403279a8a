package dev.berth.worker.runtime;

import java.util.Locale;

/** Docker's container states, as far as Berth cares. */
public enum ContainerStatus {
    CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD, UNKNOWN;

    public static ContainerStatus parse(String dockerState) {
        if (dockerState == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(dockerState.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
