package dev.berth.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.AssignmentDelta;
import dev.berth.protocol.v1.AssignmentSnapshot;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.worker.reconcile.AssignmentTarget;
import dev.berth.worker.testing.Assignments;
import dev.berth.worker.testing.FakeController;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerAgentTest {
    private static final WorkerHello HELLO = WorkerHello.newBuilder()
            .setWorkerId("w-test").setAdvertiseAddress("10.0.0.7").setCapacity(12).build();

    /** Records what the agent hands over. */
    static final class RecordingTarget implements AssignmentTarget {
        final BlockingQueue<List<Assignment>> snapshots = new LinkedBlockingQueue<>();
        final BlockingQueue<AssignmentDelta> deltas = new LinkedBlockingQueue<>();
        final AtomicInteger resends = new AtomicInteger();

        @Override
        public void replaceAll(Collection<Assignment> assignments) {
            snapshots.add(List.copyOf(assignments));
        }

        @Override
        public void apply(Collection<Assignment> upserts, Collection<String> removed) {
            deltas.add(AssignmentDelta.newBuilder().addAllUpserts(upserts).addAllRemovedInstanceIds(removed).build());
        }

        @Override
        public void resendAll() {
            resends.incrementAndGet();
        }
    }

    private final RecordingTarget target = new RecordingTarget();
    private WorkerAgent agent;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
    }

    private WorkerAgent agent(List<FakeController> controllers) {
        agent = new WorkerAgent(HELLO, controllers.stream().map(FakeController::channel).toList(), target,
                Duration.ofMillis(100), new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
        agent.start();
        return agent;
    }

    private static InstanceReport ready(String id) {
        return InstanceReport.newBuilder().setInstanceId(id).setState(ObservedState.OBSERVED_READY).setContainerId("c-" + id).build();
    }

    @Test
    void helloFirstThenAssignmentsDownAndReportsUp() throws Exception {
        try (FakeController controller = new FakeController(false)) {
            agent(List.of(controller));
            FakeController.Stream stream = controller.nextStream();

            WorkerMessage first = stream.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(HELLO, first.getHello());
            assertTrue(stream.nextHeartbeat().getHeartbeat().getSentAtMillis() > 0);
            awaitResends(1);

            Assignment a = Assignments.whoami("i1");
            stream.send(ControllerMessage.newBuilder().setSnapshot(AssignmentSnapshot.newBuilder().addAssignments(a)).build());
            assertEquals(List.of(a), target.snapshots.poll(10, TimeUnit.SECONDS));

            stream.send(ControllerMessage.newBuilder().setDelta(AssignmentDelta.newBuilder()
                    .addUpserts(Assignments.whoami("i2")).addRemovedInstanceIds("i1")).build());
            AssignmentDelta delta = target.deltas.poll(10, TimeUnit.SECONDS);
            assertNotNull(delta);
            assertEquals("i2", delta.getUpserts(0).getInstanceId());
            assertEquals(List.of("i1"), delta.getRemovedInstanceIdsList());

            agent.send(ready("i2"));
            assertEquals(ready("i2"), stream.next().getReport());
        }
    }

    @Test
    void reconnectsAfterTheControllerHangsUpAndAsksForTheFullPicture() throws Exception {
        try (FakeController controller = new FakeController(false)) {
            agent(List.of(controller));
            FakeController.Stream first = controller.nextStream();
            assertTrue(first.next().hasHello());
            awaitResends(1);

            first.hangUp();

            FakeController.Stream second = controller.nextStream();
            assertEquals(HELLO, second.next().getHello());
            awaitResends(2);
            agent.send(ready("i9"));
            assertEquals(ready("i9"), second.next().getReport());
        }
    }

    @Test
    void failsOverRoundRobinToAControllerThatAnswers() throws Exception {
        try (FakeController down = new FakeController(true); FakeController up = new FakeController(false)) {
            agent(List.of(down, up));

            assertNotNull(down.nextStream(), "the first controller is tried first");
            FakeController.Stream stream = up.nextStream();
            assertEquals(HELLO, stream.next().getHello());

            stream.hangUp();
            assertNotNull(down.nextStream(), "after a failure the next controller in turn is tried");
            assertEquals(HELLO, up.nextStream().next().getHello());
        }
    }

    @Test
    void closeEndsTheStream() throws Exception {
        try (FakeController controller = new FakeController(false)) {
            agent(List.of(controller));
            FakeController.Stream stream = controller.nextStream();
            assertTrue(stream.next().hasHello());

            agent.close();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stream.error == null && !stream.completed && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(stream.error != null || stream.completed, "the controller sees the stream end");
            assertFalse(agent.connected());
        }
    }

    private void awaitResends(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (target.resends.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, target.resends.get());
    }
}
