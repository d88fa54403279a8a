package dev.berth.cli.roles;

import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How a data-plane node reaches the control plane: the controllers' gRPC addresses (it fails
 * over between them) and, in a real deployment, its mutual-TLS certificate.
 */
public final class ControllerLink {
    @Option(names = "--controllers", required = true, split = ",", converter = HostPort.class,
            description = "Controllers' gRPC addresses host:port,...; the node fails over between them.")
    List<InetSocketAddress> controllers;

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Mutual TLS to the controllers (all three or none; none: plaintext, loopback only):%n")
    TlsOptions tls;

    /** Channels to every controller, closed when the node's lifetime ends. */
    List<ManagedChannel> open(NodeLifetime life) {
        List<ManagedChannel> channels = Controllers.channels(controllers, TlsOptions.toNodeTls(tls));
        life.add(Controllers.closer(channels));
        return channels;
    }

    @Override
    public String toString() {
        return controllers.toString();
    }
}
