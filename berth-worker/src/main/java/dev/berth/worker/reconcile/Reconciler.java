package dev.berth.worker.reconcile;

import dev.berth.model.Readiness;
import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import dev.berth.protocol.v1.PortSpec;
import dev.berth.worker.readiness.ProbeResult;
import dev.berth.worker.readiness.ProbeSpec;
import dev.berth.worker.readiness.ProbeTarget;
import dev.berth.worker.readiness.ProbeTargets;
import dev.berth.worker.readiness.ReadinessProbe;
import dev.berth.worker.runtime.ContainerInfo;
import dev.berth.worker.runtime.ContainerRuntime;
import dev.berth.worker.runtime.ContainerStartException;
import dev.berth.worker.runtime.ContainerStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges this worker's containers on its assignments and reports what it observes.
 *
 * <p>All bookkeeping happens on one thread (the loop), so it needs no locks. Slow work
 * (create, start, probe, remove) runs on a virtual thread per operation; an instance
 * with an operation in flight is "busy" and skipped until the result is posted back to
 * the loop, so no instance ever has two operations at once.
 *
 * <p>Berth never restarts a container on its own: an assigned container that exited or
 * vanished is reported FAILED and left for the controller to decide.
 */
public final class Reconciler implements AssignmentTarget, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private enum Phase { STARTING, READY, FAILED }

    /** Loop-thread bookkeeping of one instance this reconciler has acted on. */
    private static final class Tracked {
        String containerId; // null: no container known
        Phase phase;
        boolean busy;
    }

    private enum Kind { READY, FAILED, REMOVED, RETRY }

    /** Result of an operation, applied on the loop. */
    private record Outcome(Kind kind, String containerId, InstanceReport report) {
    }

    private final ContainerRuntime runtime;
    private final String advertiseAddress;
    private final Duration resyncInterval;
    private final ReadinessProbe probe;
    private final Consumer<InstanceReport> reports;
    private final ReconcilerMetrics metrics;
    private final ScheduledExecutorService loop;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final Set<Thread> operations = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    // Owned by the loop thread.
    private final Map<String, Assignment> desired = new HashMap<>();
    // Until the first full set arrives, "not assigned" means "not known yet": acting then would
    // remove every container a restarted worker is meant to adopt.
    private boolean desiredKnown;
    private final Map<String, Tracked> tracked = new HashMap<>();
    // Written by the loop only; concurrent so currentReports() can read it from anywhere.
    private final Map<String, InstanceReport> lastReports = new ConcurrentHashMap<>();

    /**
     * @param advertiseAddress host put in READY endpoints (and probed when a container has no IP of its own)
     * @param reports          receives every report, on the loop thread; it must not block
     */
    public Reconciler(ContainerRuntime runtime, String advertiseAddress, Duration resyncInterval,
                      Consumer<InstanceReport> reports) {
        this(runtime, advertiseAddress, resyncInterval, new ReadinessProbe(), reports);
    }

    public Reconciler(ContainerRuntime runtime, String advertiseAddress, Duration resyncInterval,
                      ReadinessProbe probe, Consumer<InstanceReport> reports) {
        this(runtime, advertiseAddress, resyncInterval, probe, reports, ReconcilerMetrics.NONE);
    }

    /** @param metrics told of container starts, removals and readiness failures */
    public Reconciler(ContainerRuntime runtime, String advertiseAddress, Duration resyncInterval,
                      ReadinessProbe probe, Consumer<InstanceReport> reports, ReconcilerMetrics metrics) {
        this.metrics = metrics;
        this.runtime = runtime;
        this.advertiseAddress = advertiseAddress;
        this.resyncInterval = resyncInterval;
        this.probe = probe;
        this.reports = reports;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-reconciler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the periodic resync. Nothing is touched before the first {@link #replaceAll}. */
    public void start() {
        loop.scheduleWithFixedDelay(this::pass, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void replaceAll(Collection<Assignment> assignments) {
        List<Assignment> copy = List.copyOf(assignments);
        post(() -> {
            desired.clear();
            copy.forEach(a -> desired.put(a.getInstanceId(), a));
            desiredKnown = true;
            // Whoever sent a full set has caught up with past removals; stop repeating them.
            lastReports.values().removeIf(r -> r.getState() == ObservedState.OBSERVED_REMOVED);
            pass();
        });
    }

    @Override
    public void apply(Collection<Assignment> upserts, Collection<String> removedInstanceIds) {
        List<Assignment> up = List.copyOf(upserts);
        List<String> gone = List.copyOf(removedInstanceIds);
        post(() -> {
            up.forEach(a -> desired.put(a.getInstanceId(), a));
            gone.forEach(desired::remove);
            pass();
        });
    }

    @Override
    public void resendAll() {
        post(() -> lastReports.values().forEach(this::deliver));
    }

    /** Runs a pass soon, without waiting for the period (e.g. after a Docker event). */
    public void resyncNow() {
        requestPass();
    }

    /** The latest report of every instance, as last sent. */
    public Map<String, InstanceReport> currentReports() {
        return Map.copyOf(lastReports);
    }

    /** Stops reconciling. Containers are left as they are, so a successor can adopt them. */
    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        operations.forEach(Thread::interrupt);
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- loop thread

    private void pass() {
        passQueued.set(false);
        if (closed || !desiredKnown) {
            return;
        }
        try {
            List<ContainerInfo> containers;
            try {
                containers = runtime.list();
            } catch (RuntimeException e) {
                log.warn("cannot list containers, will retry: {}", e.toString());
                return;
            }
            Map<String, ContainerInfo> byInstance = new HashMap<>();
            for (ContainerInfo c : containers) {
                ContainerInfo other = byInstance.put(c.instanceId(), c);
                if (other != null) {
                    log.warn("two containers claim instance {}: {} and {}", c.instanceId(), other.shortId(), c.shortId());
                }
            }
            Set<String> ids = new HashSet<>(desired.keySet());
            ids.addAll(byInstance.keySet());
            ids.addAll(tracked.keySet());
            for (String id : ids) {
                reconcile(id, desired.get(id), byInstance.get(id));
            }
        } catch (RuntimeException e) {
            // Never let an exception escape: it would cancel the periodic schedule.
            log.error("reconcile pass failed", e);
        }
    }

    private void reconcile(String id, Assignment want, ContainerInfo have) {
        Tracked t = tracked.get(id);
        if (t != null && t.busy) {
            return;
        }
        if (want == null) {
            if (have != null) {
                remove(id, have);
            } else if (t != null) {
                tracked.remove(id);
                send(Reports.removed(id));
            }
            return;
        }
        if (have == null) {
            if (t == null) {
                startFresh(id, want, null);
            } else if (t.containerId != null && t.phase != Phase.FAILED) {
                log.warn("instance {}: container {} was removed outside Berth", id, t.containerId);
                t.phase = Phase.FAILED;
                send(Reports.failed(id, t.containerId, "container was removed outside Berth"));
            }
            // Otherwise it already failed; the controller decides what happens next.
            return;
        }
        if (!have.running()) {
            if (t == null && have.status() == ContainerStatus.CREATED) {
                // Left by a crash between create and start: it never ran, so redoing it loses nothing.
                startFresh(id, want, have.containerId());
            } else if (t == null || t.phase != Phase.FAILED || !have.containerId().equals(t.containerId)) {
                Tracked f = track(id);
                f.containerId = have.containerId();
                f.phase = Phase.FAILED;
                log.warn("instance {}: {}", id, have.notRunningReason());
                send(Reports.failed(id, have.containerId(), have.notRunningReason()));
            }
            return;
        }
        if (t == null || !have.containerId().equals(t.containerId)) {
            // Running, but not started by us (we were restarted): adopt it untouched and re-probe.
            log.info("instance {}: adopting running container {}", id, have.shortId());
            Tracked a = track(id);
            a.containerId = have.containerId();
            a.phase = Phase.STARTING;
            run(id, a, () -> probeOutcome(id, want, have));
        }
    }

    private void startFresh(String id, Assignment want, String staleContainerId) {
        Tracked t = track(id);
        t.containerId = null;
        t.phase = Phase.STARTING;
        send(Reports.starting(id));
        log.info("instance {}: starting {}", id, want.getImage());
        run(id, t, () -> {
            if (staleContainerId != null) {
                runtime.remove(staleContainerId);
                metrics.containerRemoved();
            }
            ContainerInfo started;
            try {
                started = runtime.start(want);
            } catch (ContainerStartException e) {
                return new Outcome(Kind.FAILED, null, Reports.failed(id, "", e.getMessage()));
            }
            metrics.containerStarted();
            return probeOutcome(id, want, started);
        });
    }

    private void remove(String id, ContainerInfo have) {
        Tracked t = track(id);
        log.info("instance {}: removing unassigned container {}", id, have.shortId());
        run(id, t, () -> {
            try {
                runtime.remove(have.containerId());
                metrics.containerRemoved();
                return new Outcome(Kind.REMOVED, null, Reports.removed(id));
            } catch (RuntimeException e) {
                log.warn("instance {}: could not remove container {}, will retry: {}", id, have.shortId(), e.toString());
                return new Outcome(Kind.RETRY, have.containerId(), null);
            }
        });
    }

    private Tracked track(String id) {
        return tracked.computeIfAbsent(id, k -> new Tracked());
    }

    /** Runs {@code work} on its own virtual thread and applies its outcome on the loop. */
    private void run(String id, Tracked t, Supplier<Outcome> work) {
        t.busy = true;
        Thread op = Thread.ofVirtual().name("berth-op-" + id).unstarted(() -> {
            Outcome o;
            try {
                o = work.get();
            } catch (RuntimeException e) {
                log.warn("instance {}: operation failed", id, e);
                o = new Outcome(Kind.FAILED, null, Reports.failed(id, "", "worker error: " + e));
            } finally {
                operations.remove(Thread.currentThread());
            }
            Outcome done = o;
            post(() -> finish(id, t, done));
        });
        operations.add(op);
        op.start();
    }

    private void finish(String id, Tracked t, Outcome o) {
        t.busy = false;
        switch (o.kind()) {
            case READY -> {
                t.containerId = o.containerId();
                t.phase = Phase.READY;
            }
            case FAILED -> {
                t.containerId = o.containerId();
                t.phase = Phase.FAILED;
            }
            case REMOVED -> tracked.remove(id);
            case RETRY -> {
                // Unchanged; the next periodic pass tries again.
            }
        }
        boolean wanted = desired.containsKey(id);
        if (o.report() != null && (wanted || o.kind() == Kind.REMOVED)) {
            send(o.report());
        }
        // The assignment changed while we were busy: act on it now rather than at the next period.
        if (wanted == (o.kind() == Kind.REMOVED)) {
            requestPass();
        }
    }

    // ---------------------------------------------------------------- operation threads

    private Outcome probeOutcome(String id, Assignment want, ContainerInfo c) {
        Map<String, Endpoint> endpoints = new TreeMap<>();
        for (PortSpec p : want.getPortsList()) {
            Integer hostPort = c.publishedPorts().get(p.getContainerPort());
            if (hostPort == null) {
                return failedWith(id, c, "port " + p.getName() + " (" + p.getContainerPort() + ") is not published");
            }
            endpoints.put(p.getName(), Endpoint.newBuilder().setHost(advertiseAddress).setPort(hostPort).build());
        }
        List<ProbeTarget> targets;
        try {
            targets = ProbeTargets.of(want, c, advertiseAddress);
        } catch (IllegalArgumentException e) {
            return failedWith(id, c, e.getMessage());
        }
        long timeoutMillis = want.getReadiness().getTimeoutMillis();
        Duration timeout = timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : Readiness.DEFAULT_TIMEOUT;
        ProbeSpec spec = new ProbeSpec(targets, want.getReadiness().getHttpPath(), want.getHostname(), timeout);
        ProbeResult result = probe.await(spec, () -> whyNotRunning(c.containerId()));
        if (!result.ready()) {
            metrics.readinessFailed();
            return failedWith(id, c, result.reason());
        }
        log.info("instance {}: ready in container {} at {}", id, c.shortId(), endpoints.values().stream()
                .map(e -> e.getHost() + ":" + e.getPort()).toList());
        return new Outcome(Kind.READY, c.containerId(), Reports.ready(id, c.containerId(), endpoints));
    }

    private Outcome failedWith(String id, ContainerInfo c, String reason) {
        log.warn("instance {}: {}", id, reason);
        return new Outcome(Kind.FAILED, c.containerId(), Reports.failed(id, c.containerId(), reason));
    }

    /** Lets a probe give up early when the container is gone or exited. */
    private Optional<String> whyNotRunning(String containerId) {
        try {
            Optional<ContainerInfo> now = runtime.inspect(containerId);
            if (now.isEmpty()) {
                return Optional.of("container was removed outside Berth");
            }
            return now.get().running() ? Optional.empty() : Optional.of(now.get().notRunningReason());
        } catch (RuntimeException e) {
            return Optional.empty(); // a flaky engine call is no reason to fail the instance
        }
    }

    // ---------------------------------------------------------------- reporting

    /** Sends a report if it says something new about the instance. */
    private void send(InstanceReport r) {
        if (r.equals(lastReports.get(r.getInstanceId()))) {
            return;
        }
        lastReports.put(r.getInstanceId(), r);
        deliver(r);
    }

    private void deliver(InstanceReport r) {
        try {
            reports.accept(r);
        } catch (RuntimeException e) {
            log.warn("report consumer failed on {}", r.getInstanceId(), e);
        }
    }

    private void requestPass() {
        if (passQueued.compareAndSet(false, true)) {
            post(this::pass);
        }
    }

    private void post(Runnable task) {
        if (closed) {
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: nothing more to do.
        }
    }
}
