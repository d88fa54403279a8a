package dev.berth.worker.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.protocol.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A controller's WorkerService in a test: records every stream and what arrives on it,
 * and lets the test talk back or hang up. Optionally refuses every call.
 */
public final class FakeController extends WorkerServiceGrpc.WorkerServiceImplBase implements AutoCloseable {

    /** One Connect call as the server sees it. */
    public static final class Stream {
        public final BlockingQueue<WorkerMessage> received = new LinkedBlockingQueue<>();
        public final StreamObserver<ControllerMessage> toWorker;
        public volatile Throwable error;
        public volatile boolean completed;

        Stream(StreamObserver<ControllerMessage> toWorker) {
            this.toWorker = toWorker;
        }

        /** Next message that is not a heartbeat. */
        public WorkerMessage next() throws InterruptedException {
            while (true) {
                WorkerMessage m = received.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "no message from the worker within 10s");
                if (!m.hasHeartbeat()) {
                    return m;
                }
            }
        }

        public WorkerMessage nextHeartbeat() throws InterruptedException {
            while (true) {
                WorkerMessage m = received.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "no heartbeat from the worker within 10s");
                if (m.hasHeartbeat()) {
                    return m;
                }
            }
        }

        public void send(ControllerMessage m) {
            synchronized (toWorker) {
                toWorker.onNext(m);
            }
        }

        public void hangUp() {
            synchronized (toWorker) {
                toWorker.onCompleted();
            }
        }
    }

    public final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();
    private final boolean refuse;
    private final String name = "fake-controller-" + UUID.randomUUID();
    private final Server server;
    private final ManagedChannel channel;

    public FakeController(boolean refuse) throws IOException {
        this.refuse = refuse;
        this.server = InProcessServerBuilder.forName(name).addService(this).build().start();
        this.channel = InProcessChannelBuilder.forName(name).build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    public Stream nextStream() throws InterruptedException {
        Stream s = streams.poll(10, TimeUnit.SECONDS);
        assertNotNull(s, "the worker opened no stream within 10s");
        return s;
    }

    @Override
    public StreamObserver<WorkerMessage> connect(StreamObserver<ControllerMessage> toWorker) {
        Stream s = new Stream(toWorker);
        streams.add(s);
        if (refuse) {
            toWorker.onError(Status.UNAVAILABLE.withDescription("not today").asRuntimeException());
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(WorkerMessage m) {
                s.received.add(m);
            }

            @Override
            public void onError(Throwable t) {
                s.error = t;
            }

            @Override
            public void onCompleted() {
                s.completed = true;
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
