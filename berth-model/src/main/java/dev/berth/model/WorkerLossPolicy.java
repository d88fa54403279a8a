package dev.berth.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What happens to a template's instances when their worker's lease lapses: they end as LOST, or
 * they are relaunched on another worker under the same id and hostname.
 */
public enum WorkerLossPolicy {
    LOSE, RELAUNCH;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WorkerLossPolicy parse(String text) {
        for (WorkerLossPolicy p : values()) {
            if (p.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("onWorkerLost must be 'lose' or 'relaunch', got '" + text + "'");
    }
}
