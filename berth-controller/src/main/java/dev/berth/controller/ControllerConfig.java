package dev.berth.controller;

import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.service.ControllerSettings;
import dev.berth.protocol.tls.NodeTls;
import java.net.InetSocketAddress;

/**
 * Everything a controller listens on and decides with.
 *
 * @param raft          this node's Raft membership and data dir
 * @param api           REST API address
 * @param grpc          Berth gRPC (worker streams, route watches) for other nodes; null: none
 * @param inProcessName in-JVM gRPC name for a worker and proxy in the same process; null: none
 * @param apiToken      bearer token the API requires; null: no auth (loopback use)
 * @param tls           mutual TLS for the network gRPC server ({@code grpc}); null: plaintext, for loopback
 *                      development only. The in-process server never uses it.
 */
public record ControllerConfig(RaftConfig raft, InetSocketAddress api, InetSocketAddress grpc, String inProcessName,
                               ControllerSettings settings, String apiToken, NodeTls tls) {

    /** Without TLS: the network gRPC server, if any, is plaintext. */
    public ControllerConfig(RaftConfig raft, InetSocketAddress api, InetSocketAddress grpc, String inProcessName,
                            ControllerSettings settings, String apiToken) {
        this(raft, api, grpc, inProcessName, settings, apiToken, null);
    }
}
