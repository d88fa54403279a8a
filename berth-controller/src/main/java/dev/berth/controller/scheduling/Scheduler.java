package dev.berth.controller.scheduling;

import dev.berth.model.Instance;
import dev.berth.model.WorkerInfo;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a worker for a new instance: the UP worker with free capacity and the lowest share of
 * it in use, ties broken by id so the choice is reproducible. Pure; the proposer calls it
 * before logging the placement.
 */
public final class Scheduler {

    public Optional<WorkerInfo> place(Collection<WorkerInfo> workers, Collection<Instance> instances) {
        Map<String, Integer> load = new HashMap<>();
        for (Instance i : instances) {
            if (!i.state().isTerminal()) {
                load.merge(i.workerId(), 1, Integer::sum);
            }
        }
        return workers.stream()
                .filter(w -> w.status() == WorkerInfo.Status.UP)
                .filter(w -> load.getOrDefault(w.id(), 0) < w.capacity())
                .min(Comparator.<WorkerInfo>comparingDouble(w -> (double) load.getOrDefault(w.id(), 0) / w.capacity())
                        .thenComparing(WorkerInfo::id));
    }
}
