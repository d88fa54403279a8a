package dev.berth.controller.lifecycle;

import dev.berth.controller.state.Command;
import dev.berth.controller.store.StateStore;
import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader only: stops instances whose TTL ran out, and purges ended ones after the
 * retention period. Each decision is a command, so it survives a failover half-way.
 */
public final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private final StateStore store;
    private final Duration retention;
    private final Clock clock;

    public Reaper(StateStore store, Duration retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    public void tick() {
        if (!store.isLeader()) {
            return;
        }
        long now = clock.millis();
        List<Instance> expired = store.read(s -> s.instances().stream()
                .filter(i -> !i.state().isTerminal() && i.state() != InstanceState.STOPPING && i.expiresAt() <= now)
                .toList());
        for (Instance i : expired) {
            LOG.info("instance {} expired", i.id());
            store.submit(new Command.StopInstance(i.id(), "expired", now));
        }
        List<String> old = store.read(s -> s.instances().stream()
                .filter(i -> i.state().isTerminal() && i.updatedAt() + retention.toMillis() <= now)
                .map(Instance::id).toList());
        if (!old.isEmpty()) {
            store.submit(new Command.PurgeInstance(old));
        }
    }
}
