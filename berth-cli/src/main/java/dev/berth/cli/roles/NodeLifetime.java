package dev.berth.cli.roles;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a node process alive until SIGTERM/SIGINT, then closes its parts in reverse start
 * order, so a proxy stops taking traffic before the parts it depends on go.
 */
final class NodeLifetime {
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    <T extends AutoCloseable> T add(T part) {
        synchronized (parts) {
            parts.push(part);
        }
        return part;
    }

    int runUntilStopped() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll();
            stopped.countDown();
        }, "berth-shutdown"));
        stopped.await();
        return 0;
    }

    void closeAll() {
        synchronized (parts) {
            while (!parts.isEmpty()) {
                try {
                    parts.pop().close();
                } catch (Exception e) {
                    System.err.println("berth: error while stopping: " + e);
                }
            }
        }
    }
}
