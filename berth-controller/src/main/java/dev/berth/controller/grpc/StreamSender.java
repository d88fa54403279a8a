package dev.berth.controller.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a stream's messages from one virtual thread, in order. gRPC observers are not
 * thread-safe, and the apply thread that produces changes must never block on a slow peer.
 */
class StreamSender<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSender.class);
    private static final Object CLOSE = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final StreamObserver<T> observer;
    private final Thread thread;

    StreamSender(String name, StreamObserver<T> observer) {
        this.observer = observer;
        this.thread = Thread.ofVirtual().name(name).start(this::drain);
    }

    void send(T message) {
        queue.add(message);
    }

    @SuppressWarnings("unchecked")
    private void drain() {
        try {
            while (true) {
                Object next = queue.poll(1, TimeUnit.DAYS);
                if (next == CLOSE) {
                    return;
                }
                if (next != null) {
                    observer.onNext((T) next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The peer went away; the stream's own error callback cleans up.
            LOG.debug("stream {} closed while sending: {}", thread.getName(), e.toString());
        }
    }

    /** Stops sending; the caller completes or fails the stream itself. */
    @Override
    public void close() {
        queue.add(CLOSE);
    }
}
