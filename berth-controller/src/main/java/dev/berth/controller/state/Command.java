package dev.berth.controller.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.berth.model.Endpoint;
import dev.berth.model.Template;
import dev.berth.model.certs.ServingCertificate;
import java.util.List;
import java.util.Map;

/**
 * A change to the cluster's desired state, as it is written to the Raft log. Every value that
 * needs a clock or randomness (ids, hostnames, placement, times) is chosen by the proposer and
 * carried in the command, so every controller applies the same log to the same state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Command.PutTemplate.class, name = "put-template"),
        @JsonSubTypes.Type(value = Command.DeleteTemplate.class, name = "delete-template"),
        @JsonSubTypes.Type(value = Command.CreateInstance.class, name = "create-instance"),
        @JsonSubTypes.Type(value = Command.ReportInstance.class, name = "report-instance"),
        @JsonSubTypes.Type(value = Command.ExtendInstance.class, name = "extend-instance"),
        @JsonSubTypes.Type(value = Command.StopInstance.class, name = "stop-instance"),
        @JsonSubTypes.Type(value = Command.PurgeInstance.class, name = "purge-instance"),
        @JsonSubTypes.Type(value = Command.RegisterWorker.class, name = "register-worker"),
        @JsonSubTypes.Type(value = Command.RenewLeases.class, name = "renew-leases"),
        @JsonSubTypes.Type(value = Command.MarkWorkerDown.class, name = "mark-worker-down"),
        @JsonSubTypes.Type(value = Command.RegisterController.class, name = "register-controller"),
        @JsonSubTypes.Type(value = Command.ForgetController.class, name = "forget-controller"),
        @JsonSubTypes.Type(value = Command.RelaunchInstance.class, name = "relaunch-instance"),
        @JsonSubTypes.Type(value = Command.PutCertificate.class, name = "put-certificate"),
        @JsonSubTypes.Type(value = Command.DeleteCertificate.class, name = "delete-certificate"),
})
public sealed interface Command {

    record PutTemplate(Template template) implements Command {
    }

    record DeleteTemplate(String name) implements Command {
    }

    /** {@code ports} is the template's port list as of launch; {@code tcpPorts} the proxy ports chosen for its tcp ports. */
    record CreateInstance(String id, String template, String owner, String hostname, String workerId,
                          long createdAt, long expiresAt, long maxExpiresAt,
                          Map<String, String> env, Map<String, Integer> tcpPorts) implements Command {
    }

    /** What a worker observed; applied only where it moves the lifecycle forward. */
    record ReportInstance(String id, String workerId, Observed observed, String reason,
                          Map<String, Endpoint> endpoints, long at) implements Command {
    }

    enum Observed { STARTING, READY, FAILED, REMOVED }

    record ExtendInstance(String id, long newExpiresAt, long at) implements Command {
    }

    record StopInstance(String id, String reason, long at) implements Command {
    }

    /** Forgets instances that ended long enough ago. */
    record PurgeInstance(List<String> ids) implements Command {
    }

    record RegisterWorker(String id, String address, int capacity, long at, long leaseExpiresAt) implements Command {
    }

    /** One entry renews many workers' leases, so heartbeats cost one log entry per interval, not one per worker. */
    record RenewLeases(Map<String, Long> leaseExpiresAt) implements Command {
    }

    /** A LOST instance of a template that says so starts again on another worker, same id and hostname. */
    record RelaunchInstance(String id, String workerId, long at) implements Command {
    }

    /** A controller announces where its API and gRPC are, for `berth nodes` and for clients. */
    record RegisterController(dev.berth.model.ControllerInfo controller) implements Command {
    }

    /** After a controller left the Raft group. */
    record ForgetController(String id) implements Command {
    }

    /** Proposed by the leader when a lease lapsed: the worker's instances become LOST. */
    record MarkWorkerDown(String id, long at) implements Command {
    }

    /**
     * Stores (or replaces) a serving certificate for the proxies' HTTPS entrypoints. Checked and
     * its names, expiry and fingerprint derived by the proposer; applying it parses nothing.
     */
    record PutCertificate(ServingCertificate certificate) implements Command {
    }

    record DeleteCertificate(String name) implements Command {
    }
}
