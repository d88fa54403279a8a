package dev.berth.cli.roles;

import dev.berth.protocol.tls.NodeTls;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gRPC channels to every controller a data-plane node may talk to; it fails over between them. */
final class Controllers {
    private Controllers() {
    }

    /**
     * @param tls this node's certificate and the cluster CA for mutual TLS; null: plaintext
     *            (loopback development only)
     */
    static List<ManagedChannel> channels(List<InetSocketAddress> controllers, NodeTls tls) {
        if (tls == null && controllers.stream().anyMatch(a -> a.getAddress() == null || !a.getAddress().isLoopbackAddress())) {
            System.err.println("berth: warning: plaintext gRPC to non-loopback controllers " + controllers
                    + "; give --tls-cert, --tls-key and --tls-ca");
        }
        return controllers.stream()
                .map(a -> (ManagedChannel) (tls == null
                        ? NettyChannelBuilder.forAddress(a.getHostString(), a.getPort()).usePlaintext()
                        : tls.channelBuilder(a.getHostString(), a.getPort()))
                        .keepAliveTime(10, TimeUnit.SECONDS)
                        .build())
                .toList();
    }

    static AutoCloseable closer(List<ManagedChannel> channels) {
        return () -> channels.forEach(ManagedChannel::shutdownNow);
    }
}
