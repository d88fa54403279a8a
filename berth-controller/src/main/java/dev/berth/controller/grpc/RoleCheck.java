package dev.berth.controller.grpc;

import dev.berth.protocol.tls.NodeRole;
import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.WorkerServiceGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a peer's certificate call only the services of the role it names (see {@link NodeRole}):
 * the worker stream takes worker certificates, the route watch proxy and worker ones (a worker
 * node may run a proxy with its own certificate), and controller certificates may call both.
 * Mutual TLS already proved the certificate is the cluster CA's; this stops one role's key from
 * acting as another's. Calls without TLS (in-process, or plaintext on loopback) and certificates
 * without a role pass.
 */
public final class RoleCheck implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RoleCheck.class);
    private static final Map<String, Set<NodeRole>> ALLOWED = Map.of(
            WorkerServiceGrpc.SERVICE_NAME, EnumSet.of(NodeRole.WORKER, NodeRole.CONTROLLER),
            RouteServiceGrpc.SERVICE_NAME, EnumSet.of(NodeRole.PROXY, NodeRole.WORKER, NodeRole.CONTROLLER));
    /** Any other service (none today) is for controllers only. */
    private static final Set<NodeRole> OTHERS = EnumSet.of(NodeRole.CONTROLLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (tls != null) {
            String service = call.getMethodDescriptor().getServiceName();
            Optional<NodeRole> role = NodeRole.ofPeer(tls);
            Set<NodeRole> allowed = ALLOWED.getOrDefault(service, OTHERS);
            if (role.isPresent() && !allowed.contains(role.get())) {
                String why = "a " + role.get() + " certificate may not call " + service + " (allowed: " + allowed + ")";
                LOG.warn("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), why);
                call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        }
        return next.startCall(call, headers);
    }
}
