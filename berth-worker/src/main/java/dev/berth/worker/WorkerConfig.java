package dev.berth.worker;

import java.time.Duration;

/**
 * How one worker runs.
 *
 * @param advertiseAddress address proxies use to reach this worker's published ports; ports are
 *                         published on it, so it must be an address of this host (default 127.0.0.1)
 * @param capacity         how many instances the controller may assign here
 * @param dockerHost       Docker Engine endpoint; null: $DOCKER_HOST, else the local unix socket
 */
public record WorkerConfig(
        String workerId,
        String advertiseAddress,
        int capacity,
        Duration resyncInterval,
        Duration heartbeatInterval,
        String dockerHost) {

    public static final String DEFAULT_ADVERTISE_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_CAPACITY = 50;
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);

    public WorkerConfig {
        if (workerId == null || !workerId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("worker id must be 1-128 letters, digits, '.', '_' or '-', got '" + workerId + "'");
        }
        advertiseAddress = advertiseAddress == null || advertiseAddress.isBlank() ? DEFAULT_ADVERTISE_ADDRESS : advertiseAddress;
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        resyncInterval = positive(resyncInterval, DEFAULT_RESYNC, "resync interval");
        heartbeatInterval = positive(heartbeatInterval, DEFAULT_HEARTBEAT, "heartbeat interval");
        dockerHost = dockerHost == null || dockerHost.isBlank() ? null : dockerHost;
    }

    /** Defaults for everything but the id. */
    public static WorkerConfig of(String workerId) {
        return new WorkerConfig(workerId, null, DEFAULT_CAPACITY, null, null, null);
    }

    private static Duration positive(Duration d, Duration dflt, String what) {
        if (d == null) {
            return dflt;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }
}
