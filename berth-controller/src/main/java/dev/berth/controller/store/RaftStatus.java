package dev.berth.controller.store;

import java.util.List;

/** This controller's view of its Raft group, for `berth nodes`. */
public record RaftStatus(String nodeId, String role, long term, String leaderId, long appliedIndex,
                         long commitIndex, List<Peer> peers) {
    public record Peer(String id, String address) {
    }
}
