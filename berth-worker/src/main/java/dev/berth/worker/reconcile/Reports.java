package dev.berth.worker.reconcile;

import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import java.util.Map;

/** Builders for the reports the reconciler sends. */
final class Reports {
    private Reports() {
    }

    static InstanceReport starting(String id) {
        return base(id, ObservedState.OBSERVED_STARTING, null).build();
    }

    static InstanceReport ready(String id, String containerId, Map<String, Endpoint> endpoints) {
        return base(id, ObservedState.OBSERVED_READY, containerId).putAllEndpoints(endpoints).build();
    }

    static InstanceReport failed(String id, String containerId, String reason) {
        return base(id, ObservedState.OBSERVED_FAILED, containerId).setReason(reason).build();
    }

    static InstanceReport removed(String id) {
        return base(id, ObservedState.OBSERVED_REMOVED, null).build();
    }

    private static InstanceReport.Builder base(String id, ObservedState state, String containerId) {
        InstanceReport.Builder b = InstanceReport.newBuilder().setInstanceId(id).setState(state);
        if (containerId != null) {
            b.setContainerId(containerId);
        }
        return b;
    }
}
