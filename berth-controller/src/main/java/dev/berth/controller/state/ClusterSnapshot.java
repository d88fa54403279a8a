package dev.berth.controller.state;

import dev.berth.model.ControllerInfo;
import dev.berth.model.Instance;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import java.util.List;

/** The whole desired state as written into a Raft snapshot; routes are derived again on load. */
public record ClusterSnapshot(long appliedIndex, long routeVersion, List<Template> templates,
                              List<Instance> instances, List<WorkerInfo> workers, List<ControllerInfo> controllers) {
    public ClusterSnapshot {
        controllers = controllers == null ? List.of() : List.copyOf(controllers);
    }
}
