package dev.berth.controller.lifecycle;

import dev.berth.controller.state.Command;
import dev.berth.controller.store.StateStore;
import dev.berth.controller.scheduling.Scheduler;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import dev.berth.model.WorkerLossPolicy;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker liveness as a lease. Every controller renews, in one batched command, the leases of the
 * workers streaming to it; the leader marks DOWN a worker whose lease lapsed, which makes its
 * instances LOST and removes their routes. A new leader waits one lease period before judging,
 * so workers have time to reconnect after a failover or a cluster restart.
 */
public final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final StateStore store;
    private final Duration lease;
    private final Clock clock;
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Scheduler scheduler = new Scheduler();
    private long leaderSince = -1;

    public LeaseKeeper(StateStore store, Duration lease, Clock clock) {
        this.store = store;
        this.lease = lease;
        this.clock = clock;
    }

    public long leaseFrom(long now) {
        return now + lease.toMillis();
    }

    public void heardFrom(String workerId) {
        lastHeard.put(workerId, clock.millis());
    }

    public void disconnected(String workerId) {
        lastHeard.remove(workerId);
    }

    /** How often {@link #tick} should run: often enough that a live worker's lease never lapses. */
    public Duration interval() {
        return lease.dividedBy(4);
    }

    public void tick() {
        long now = clock.millis();
        renew(now);
        if (store.isLeader()) {
            if (leaderSince < 0) {
                leaderSince = now;
            }
            if (now - leaderSince >= lease.toMillis()) {
                expire(now);
            }
        } else {
            leaderSince = -1;
        }
    }

    private void renew(long now) {
        Map<String, Long> renewals = new java.util.HashMap<>();
        lastHeard.forEach((id, heard) -> {
            if (now - heard < lease.toMillis()) {
                renewals.put(id, leaseFrom(now));
            }
        });
        if (!renewals.isEmpty()) {
            store.submit(new Command.RenewLeases(renewals)).exceptionally(e -> {
                LOG.debug("lease renewal not committed: {}", e.getMessage());
                return null;
            });
        }
    }

    private void expire(long now) {
        List<WorkerInfo> lapsed = store.read(s -> s.workers().stream()
                .filter(w -> w.status() == WorkerInfo.Status.UP && w.leaseExpiresAt() < now)
                // A worker streaming to this very controller is alive, whatever renewal is still in flight.
                .filter(w -> now - lastHeard.getOrDefault(w.id(), Long.MIN_VALUE / 2) >= lease.toMillis())
                .toList());
        for (WorkerInfo w : lapsed) {
            LOG.warn("worker {} lease lapsed {} ms ago: marking it down", w.id(), now - w.leaseExpiresAt());
            store.submit(new Command.MarkWorkerDown(w.id(), now));
        }
        relaunchLost(now);
    }

    /** LOST instances whose template says relaunch go to another worker, chosen here by the leader. */
    private void relaunchLost(long now) {
        List<Instance> lost = store.read(s -> s.instances().stream()
                .filter(i -> i.state() == InstanceState.LOST && i.expiresAt() > now)
                .filter(i -> {
                    Template t = s.template(i.template());
                    return t != null && t.onWorkerLost() == WorkerLossPolicy.RELAUNCH;
                }).toList());
        for (Instance i : lost) {
            Optional<WorkerInfo> target = store.read(s -> scheduler.place(s.workers(), s.instances()));
            if (target.isEmpty()) {
                LOG.warn("cannot relaunch {}: no worker with free capacity", i.id());
                return;
            }
            LOG.info("relaunching {} on {}", i.id(), target.get().id());
            store.submit(new Command.RelaunchInstance(i.id(), target.get().id(), now));
        }
    }
}
