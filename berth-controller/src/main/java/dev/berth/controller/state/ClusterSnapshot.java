package dev.berth.controller.state;

import dev.berth.model.ControllerInfo;
import dev.berth.model.Instance;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import dev.berth.model.certs.ServingCertificate;
import java.util.List;

/**
 * The whole desired state as written into a Raft snapshot; routes are derived again on load.
 * Lists added after the first release ({@code controllers}, {@code certificates}) read as empty
 * from older snapshots.
 */
public record ClusterSnapshot(long appliedIndex, long routeVersion, List<Template> templates,
                              List<Instance> instances, List<WorkerInfo> workers, List<ControllerInfo> controllers,
                              List<ServingCertificate> certificates) {
    public ClusterSnapshot {
        controllers = controllers == null ? List.of() : List.copyOf(controllers);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }
}
