package dev.berth.model;

/**
 * Limits applied to every container of a template. Sizes and CPU are kept in the units
 * the container runtime takes, so nothing is converted twice.
 */
public record Resources(long memoryBytes, long nanoCpus, long pids) {
    public static final Resources DEFAULT = new Resources(256L << 20, 500_000_000L, 256);
}
