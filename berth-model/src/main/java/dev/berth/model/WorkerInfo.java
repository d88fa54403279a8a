package dev.berth.model;

/**
 * A worker as the control plane knows it. {@code leaseExpiresAt} is renewed through Raft by
 * the worker's heartbeats; when it lapses the leader marks the worker DOWN.
 */
public record WorkerInfo(String id, String address, int capacity, Status status, long registeredAt, long leaseExpiresAt) {
    public enum Status { UP, DOWN }

    public WorkerInfo withLease(long newLeaseExpiresAt) {
        return new WorkerInfo(id, address, capacity, Status.UP, registeredAt, newLeaseExpiresAt);
    }

    public WorkerInfo down() {
        return new WorkerInfo(id, address, capacity, Status.DOWN, registeredAt, leaseExpiresAt);
    }
}
