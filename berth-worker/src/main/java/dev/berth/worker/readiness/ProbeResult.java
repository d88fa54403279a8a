package dev.berth.worker.readiness;

/** Outcome of a readiness wait; {@code reason} says why it failed, empty when ready. */
public record ProbeResult(boolean ready, String reason) {
    private static final ProbeResult READY = new ProbeResult(true, "");

    public static ProbeResult isReady() {
        return READY;
    }

    public static ProbeResult failed(String reason) {
        return new ProbeResult(false, reason);
    }
}
