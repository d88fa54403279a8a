package dev.berth.proxy.testutil;

import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A controller's RouteService in-process: answers each watch with what the test scripts. */
public final class FakeRouteService extends RouteServiceGrpc.RouteServiceImplBase implements AutoCloseable {
    public final List<WatchRequest> requests = new CopyOnWriteArrayList<>();
    private final Server server;
    private final String name;
    private volatile Function<WatchRequest, List<RouteUpdate>> onWatch = r -> List.of();
    private volatile StreamObserver<RouteUpdate> current;

    public FakeRouteService(String name) throws IOException {
        this.name = name;
        this.server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build().start();
    }

    public ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    public void onWatch(Function<WatchRequest, List<RouteUpdate>> f) {
        onWatch = f;
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<RouteUpdate> responseObserver) {
        requests.add(request);
        current = responseObserver;
        onWatch.apply(request).forEach(responseObserver::onNext);
    }

    public boolean hasStream() {
        return current != null;
    }

    public synchronized void push(RouteUpdate u) {
        current.onNext(u);
    }

    public synchronized void fail() {
        StreamObserver<RouteUpdate> c = current;
        current = null;
        c.onError(Status.UNAVAILABLE.withDescription("controller going away").asRuntimeException());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
