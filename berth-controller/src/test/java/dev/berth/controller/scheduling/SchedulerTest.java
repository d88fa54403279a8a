package dev.berth.controller.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Instance;
import dev.berth.model.InstanceState;
import dev.berth.model.WorkerInfo;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private final Scheduler scheduler = new Scheduler();

    private static WorkerInfo worker(String id, int capacity, WorkerInfo.Status status) {
        return new WorkerInfo(id, "127.0.0.1", capacity, status, 0, 0);
    }

    private static List<Instance> on(String worker, int n, InstanceState state) {
        return IntStream.range(0, n).mapToObj(i -> new Instance(worker + i, "t", "o", worker + i + ".d", worker, state, "",
                0, 0, 0, 0, List.of(), null, null, null, null)).toList();
    }

    @Test
    void picksTheLeastLoadedShareOfCapacity() {
        var workers = List.of(worker("a", 10, WorkerInfo.Status.UP), worker("b", 2, WorkerInfo.Status.UP));
        var instances = new java.util.ArrayList<Instance>();
        instances.addAll(on("a", 4, InstanceState.READY));   // 40% used
        instances.addAll(on("b", 1, InstanceState.READY));   // 50% used
        assertEquals("a", scheduler.place(workers, instances).orElseThrow().id());
    }

    @Test
    void skipsDownAndFullWorkersAndCountsOnlyLiveInstances() {
        var workers = List.of(worker("a", 1, WorkerInfo.Status.UP), worker("b", 5, WorkerInfo.Status.DOWN), worker("c", 1, WorkerInfo.Status.UP));
        var instances = new java.util.ArrayList<Instance>();
        instances.addAll(on("a", 1, InstanceState.READY));
        instances.addAll(on("c", 3, InstanceState.STOPPED));
        assertEquals("c", scheduler.place(workers, instances).orElseThrow().id());
        instances.addAll(on("c", 1, InstanceState.STARTING));
        assertTrue(scheduler.place(workers, instances).isEmpty());
    }

    @Test
    void tiesGoToTheSmallestIdSoEveryProposerAgrees() {
        var workers = List.of(worker("b", 4, WorkerInfo.Status.UP), worker("a", 4, WorkerInfo.Status.UP));
        assertEquals("a", scheduler.place(workers, List.of()).orElseThrow().id());
    }
}
