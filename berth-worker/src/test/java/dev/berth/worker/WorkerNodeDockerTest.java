package dev.berth.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.berth.protocol.v1.AssignmentDelta;
import dev.berth.protocol.v1.AssignmentSnapshot;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.ObservedState;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.worker.runtime.DockerContainerRuntime;
import dev.berth.worker.testing.Assignments;
import dev.berth.worker.testing.DockerCleanup;
import dev.berth.worker.testing.FakeController;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A whole worker against the real engine, driven by an in-process controller. */
class WorkerNodeDockerTest {
    private DockerClient docker;
    private WorkerConfig config;

    @BeforeEach
    void setUp() {
        docker = DockerContainerRuntime.client(null);
        config = new WorkerConfig(DockerCleanup.uniqueWorkerId(), "127.0.0.1", 4,
                Duration.ofMillis(500), Duration.ofMillis(500), null);
    }

    @AfterEach
    void tearDown() throws Exception {
        DockerCleanup.removeAll(docker, config.workerId());
        docker.close();
    }

    private static InstanceReport awaitReport(FakeController.Stream s, ObservedState state) throws InterruptedException {
        while (true) {
            WorkerMessage m = s.next();
            if (m.hasReport() && m.getReport().getState() == state) {
                return m.getReport();
            }
        }
    }

    @Test
    void runsAssignmentsSurvivesARestartByAdoptingAndRemovesOnDelta() throws Exception {
        try (FakeController controller = new FakeController(false)) {
            InstanceReport ready;
            try (WorkerNode node = new WorkerNode(config, List.of(controller.channel()))) {
                node.start();
                FakeController.Stream s = controller.nextStream();
                assertEquals(config.workerId(), s.next().getHello().getWorkerId());
                s.send(ControllerMessage.newBuilder()
                        .setSnapshot(AssignmentSnapshot.newBuilder().addAssignments(Assignments.whoami("n1"))).build());
                ready = awaitReport(s, ObservedState.OBSERVED_READY);
                assertEquals("n1", ready.getInstanceId());
                assertEquals("127.0.0.1", ready.getEndpointsOrThrow("web").getHost());
            }
            // The node is closed: its container must still run.
            assertTrue(docker.inspectContainerCmd(ready.getContainerId()).exec().getState().getRunning());

            try (WorkerNode restarted = new WorkerNode(config, List.of(controller.channel()))) {
                restarted.start();
                FakeController.Stream s = controller.nextStream();
                assertNotNull(s.next().getHello());
                s.send(ControllerMessage.newBuilder()
                        .setSnapshot(AssignmentSnapshot.newBuilder().addAssignments(Assignments.whoami("n1"))).build());
                InstanceReport adopted = awaitReport(s, ObservedState.OBSERVED_READY);
                assertEquals(ready.getContainerId(), adopted.getContainerId());
                assertEquals(ready.getEndpointsMap(), adopted.getEndpointsMap());

                s.send(ControllerMessage.newBuilder()
                        .setDelta(AssignmentDelta.newBuilder().addRemovedInstanceIds("n1")).build());
                assertEquals("n1", awaitReport(s, ObservedState.OBSERVED_REMOVED).getInstanceId());
                assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(ready.getContainerId()).exec());
            }
        }
    }
}
