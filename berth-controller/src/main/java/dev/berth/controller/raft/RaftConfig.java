package dev.berth.controller.raft;

import java.nio.file.Path;
import java.util.List;

/**
 * One controller's Raft settings. Raft has its own port, separate from Berth's gRPC: Ratis
 * ships its own shaded gRPC and must not share a server with ours.
 *
 * @param nodeId            this controller's id, one of {@code peers}
 * @param peers             the static initial group; a single peer makes standalone mode
 * @param dataDir           where the log and snapshots live
 * @param snapshotThreshold log entries between automatic snapshots
 * @param join              start outside the group and wait to be added by a membership change
 *                          ({@code berth controllers add}); {@code peers} then names the running group
 */
public record RaftConfig(String nodeId, List<Peer> peers, Path dataDir, long snapshotThreshold, boolean join) {
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;

    /** A Raft member: its id and {@code host:port} of its Raft (not gRPC) endpoint. */
    public record Peer(String id, String address) {
    }

    public RaftConfig(String nodeId, List<Peer> peers, Path dataDir, long snapshotThreshold) {
        this(nodeId, peers, dataDir, snapshotThreshold, false);
    }

    public RaftConfig {
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(p -> p.id().equals(nodeId))) {
            throw new IllegalArgumentException("node " + nodeId + " is not one of the peers " + peers);
        }
    }

    public Peer self() {
        return peers.stream().filter(p -> p.id().equals(nodeId)).findFirst().orElseThrow();
    }
}
