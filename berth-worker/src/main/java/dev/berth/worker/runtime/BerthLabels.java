package dev.berth.worker.runtime;

/**
 * Labels every Berth container carries. They are the only link between a container and
 * its instance, so a restarted worker can find (adopt or remove) what it already runs.
 */
public final class BerthLabels {
    public static final String INSTANCE = "berth.instance";
    public static final String WORKER = "berth.worker";
    public static final String TEMPLATE = "berth.template";

    private BerthLabels() {
    }

    /** One name per instance: Docker then refuses a second container for the same instance. */
    public static String containerName(String instanceId) {
        return "berth-" + instanceId;
    }
}
