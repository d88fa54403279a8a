package dev.berth.controller.api;

import dev.berth.controller.store.RaftStatus;
import dev.berth.controller.store.StateStore;
import dev.berth.controller.cluster.NodeDirectory;
import dev.berth.controller.state.Command;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Health, `berth nodes` and controller membership changes. */
final class ClusterEndpoints {
    private final StateStore store;
    private final NodeDirectory directory;

    ClusterEndpoints(StateStore store, NodeDirectory directory) {
        this.store = store;
        this.directory = directory;
    }

    void register(Router r) {
        r.get("/api/v1/health", req -> ApiResponse.ok(health()));
        r.get("/api/v1/nodes", req -> ApiResponse.ok(directory.nodes()));
        r.get("/api/v1/nodes/self", req -> ApiResponse.ok(directory.self()));
        r.post("/api/v1/controllers", req -> ApiResponse.ok(addController(req.body(ControllerMember.class, false))));
        r.delete("/api/v1/controllers/{id}", req -> ApiResponse.ok(removeController(req.path("id"))));
    }

    /** Body of a membership addition: the new controller's id and Raft address. */
    record ControllerMember(String id, String raftAddress) {
    }

    private Map<String, Object> addController(ControllerMember m) {
        if (m.id() == null || m.id().isBlank() || m.raftAddress() == null || !m.raftAddress().matches("[^:]+:\\d{1,5}")) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "give the new controller's id and raftAddress (host:port)");
        }
        List<RaftStatus.Peer> members = new ArrayList<>(store.status().peers());
        if (members.stream().anyMatch(p -> p.id().equals(m.id()))) {
            throw new BerthException(ErrorCode.CONFLICT, "controller " + m.id() + " is already a member");
        }
        members.add(new RaftStatus.Peer(m.id(), m.raftAddress()));
        store.setMembers(members);
        return Map.of("members", members);
    }

    private Map<String, Object> removeController(String id) {
        List<RaftStatus.Peer> members = new ArrayList<>(store.status().peers());
        if (!members.removeIf(p -> p.id().equals(id))) {
            throw new BerthException(ErrorCode.NOT_FOUND, "controller " + id + " is not a member");
        }
        store.setMembers(members);
        store.commit(new Command.ForgetController(id));
        return Map.of("members", members);
    }

    private Map<String, Object> health() {
        RaftStatus s = store.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("node", s.nodeId());
        body.put("role", s.role());
        body.put("leader", s.leaderId());
        return body;
    }

}
