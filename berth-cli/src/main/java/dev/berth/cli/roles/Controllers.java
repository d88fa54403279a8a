package dev.berth.cli.roles;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gRPC channels to every controller a data-plane node may talk to; it fails over between them. */
final class Controllers {
    private Controllers() {
    }

    static List<ManagedChannel> channels(List<InetSocketAddress> controllers) {
        return controllers.stream()
                .map(a -> (ManagedChannel) NettyChannelBuilder.forAddress(a.getHostString(), a.getPort())
                        .usePlaintext()
                        .keepAliveTime(10, TimeUnit.SECONDS)
                        .build())
                .toList();
    }

    static AutoCloseable closer(List<ManagedChannel> channels) {
        return () -> channels.forEach(ManagedChannel::shutdownNow);
    }
}
