package dev.berth.worker.testing;

import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.PortSpec;
import dev.berth.worker.runtime.ContainerInfo;
import dev.berth.worker.runtime.ContainerRuntime;
import dev.berth.worker.runtime.ContainerStartException;
import dev.berth.worker.runtime.ContainerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory containers. Every container's "IP" is 127.0.0.1, so a test makes a port
 * ready by listening on the container port itself; see {@link #publishedPort} for the published one.
 */
public final class FakeContainerRuntime implements ContainerRuntime {
    private final Map<String, ContainerInfo> byId = new LinkedHashMap<>();
    private final Map<String, String> failingImages = new HashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    public final AtomicInteger starts = new AtomicInteger();
    public final AtomicInteger removes = new AtomicInteger();
    public final AtomicInteger lists = new AtomicInteger();

    @Override
    public synchronized List<ContainerInfo> list() {
        lists.incrementAndGet();
        notifyAll();
        return new ArrayList<>(byId.values());
    }

    @Override
    public synchronized Optional<ContainerInfo> inspect(String containerId) {
        return Optional.ofNullable(byId.get(containerId));
    }

    @Override
    public synchronized ContainerInfo start(Assignment a) {
        starts.incrementAndGet();
        String reason = failingImages.get(a.getImage());
        if (reason != null) {
            throw new ContainerStartException(reason);
        }
        Map<Integer, Integer> published = new HashMap<>();
        for (PortSpec p : a.getPortsList()) {
            published.put(p.getContainerPort(), publishedPort(p.getContainerPort()));
        }
        return put(a.getInstanceId(), ContainerStatus.RUNNING, null, published);
    }

    @Override
    public synchronized void remove(String containerId) {
        removes.incrementAndGet();
        byId.remove(containerId);
    }

    /** The host port the fake "publishes" a container port on. */
    public static int publishedPort(int containerPort) {
        return 20000 + containerPort % 10000;
    }

    /** A running container for the instance, as if created earlier (by a previous worker or by hand). */
    public synchronized ContainerInfo addRunning(String instanceId, Map<Integer, Integer> published) {
        return put(instanceId, ContainerStatus.RUNNING, null, published);
    }

    public synchronized void exit(String containerId, int code) {
        ContainerInfo c = byId.get(containerId);
        byId.put(containerId, new ContainerInfo(c.containerId(), c.instanceId(), c.template(), ContainerStatus.EXITED,
                code, false, "", c.publishedPorts()));
    }

    public synchronized void vanish(String containerId) {
        byId.remove(containerId);
    }

    public synchronized void failStartsOf(String image, String reason) {
        failingImages.put(image, reason);
    }

    public synchronized Optional<ContainerInfo> ofInstance(String instanceId) {
        return byId.values().stream().filter(c -> c.instanceId().equals(instanceId)).findFirst();
    }

    /** Blocks until {@code n} more list() calls (reconcile passes) have happened. */
    public synchronized void awaitPasses(int n) throws InterruptedException {
        int target = lists.get() + n;
        long deadline = System.currentTimeMillis() + 10_000;
        while (lists.get() < target) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("reconciler made no " + n + " passes in 10s");
            }
            wait(left);
        }
    }

    private ContainerInfo put(String instanceId, ContainerStatus status, Integer exitCode, Map<Integer, Integer> published) {
        String id = "fake" + nextId.getAndIncrement();
        ContainerInfo c = new ContainerInfo(id, instanceId, "fake", status, exitCode, false, "127.0.0.1", published);
        byId.put(id, c);
        return c;
    }
}
