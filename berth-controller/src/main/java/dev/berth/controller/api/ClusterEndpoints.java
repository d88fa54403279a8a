package dev.berth.controller.api;

import dev.berth.controller.store.RaftStatus;
import dev.berth.controller.store.StateStore;
import dev.berth.model.WorkerInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/health} and {@code /api/v1/nodes}: what this controller knows about the cluster. */
final class ClusterEndpoints {
    private final StateStore store;

    ClusterEndpoints(StateStore store) {
        this.store = store;
    }

    void register(Router r) {
        r.get("/api/v1/health", req -> ApiResponse.ok(health()));
        r.get("/api/v1/nodes", req -> ApiResponse.ok(nodes()));
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

    /** Only this controller's own Raft view so far; other controllers and proxies are added by the lead. */
    private Map<String, Object> nodes() {
        List<WorkerInfo> workers = store.read(state -> List.copyOf(state.workers()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("controllers", List.of(store.status()));
        body.put("workers", workers);
        return body;
    }
}
