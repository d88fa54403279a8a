package dev.berth.worker.reconcile;

import static dev.berth.protocol.v1.ObservedState.OBSERVED_FAILED;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_READY;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_REMOVED;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.worker.runtime.ContainerInfo;
import dev.berth.worker.testing.Assignments;
import dev.berth.worker.testing.FakeContainerRuntime;
import dev.berth.worker.testing.ReportLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ADVERTISE = "10.1.2.3";

    private final FakeContainerRuntime runtime = new FakeContainerRuntime();
    private final ReportLog reports = new ReportLog();
    private ServerSocket listener; // stands in for the process inside the fake container
    private Reconciler reconciler;

    @BeforeEach
    void setUp() throws IOException {
        listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        reconciler = new Reconciler(runtime, ADVERTISE, Duration.ofMillis(100), reports);
    }

    @AfterEach
    void tearDown() throws IOException {
        reconciler.close();
        listener.close();
    }

    private Assignment listening(String id) {
        return Assignments.withPort(id, "web", listener.getLocalPort(), 5_000);
    }

    @Test
    void startsWhatIsMissingAndReportsReadyWithEndpoints() {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));

        reports.await("i1", OBSERVED_STARTING, WAIT);
        InstanceReport ready = reports.await("i1", OBSERVED_READY, WAIT);

        ContainerInfo c = runtime.ofInstance("i1").orElseThrow();
        assertEquals(c.containerId(), ready.getContainerId());
        assertEquals(Endpoint.newBuilder().setHost(ADVERTISE)
                        .setPort(FakeContainerRuntime.publishedPort(listener.getLocalPort())).build(),
                ready.getEndpointsOrThrow("web"));
        assertEquals(1, runtime.starts.get());
    }

    @Test
    void reportsOnlyChangesButResendsEverythingOnRequest() throws InterruptedException {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));
        reports.await("i1", OBSERVED_READY, WAIT);

        runtime.awaitPasses(3);
        assertEquals(List.of(OBSERVED_STARTING, OBSERVED_READY), reports.of("i1").stream().map(InstanceReport::getState).toList());

        reconciler.resendAll();
        reports.await(r -> reports.of("i1").size() == 3, WAIT, "a re-sent report");
        assertEquals(OBSERVED_READY, reports.of("i1").get(2).getState());
    }

    @Test
    void removesOrphansAndReportsThem() {
        ContainerInfo orphan = runtime.addRunning("orphan", Map.of());
        reconciler.start();
        reconciler.replaceAll(List.of());

        reports.await("orphan", OBSERVED_REMOVED, WAIT);
        assertTrue(runtime.inspect(orphan.containerId()).isEmpty());
    }

    @Test
    void removesOnDeltaAndReportsRemoved() {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1"), listening("i2")));
        reports.await("i1", OBSERVED_READY, WAIT);
        reports.await("i2", OBSERVED_READY, WAIT);

        reconciler.apply(List.of(), List.of("i1"));

        reports.await("i1", OBSERVED_REMOVED, WAIT);
        assertTrue(runtime.ofInstance("i1").isEmpty());
        assertTrue(runtime.ofInstance("i2").isPresent());
    }

    @Test
    void touchesNothingBeforeTheFirstFullSet() throws InterruptedException {
        ContainerInfo existing = runtime.addRunning("i1", Map.of());
        reconciler.start();
        reconciler.apply(List.of(), List.of("other"));
        reconciler.resyncNow();
        Thread.sleep(500); // five resync periods: with the guard missing, the removal happens in the first

        assertTrue(runtime.inspect(existing.containerId()).isPresent());
        assertEquals(0, runtime.removes.get());
        assertTrue(reports.all().isEmpty());
    }

    @Test
    void adoptsARunningContainerWithoutRestartingIt() {
        int port = listener.getLocalPort();
        ContainerInfo existing = runtime.addRunning("i1", Map.of(port, 31000));
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));

        InstanceReport ready = reports.await("i1", OBSERVED_READY, WAIT);
        assertEquals(existing.containerId(), ready.getContainerId());
        assertEquals(31000, ready.getEndpointsOrThrow("web").getPort());
        assertEquals(0, runtime.starts.get());
        assertEquals(0, runtime.removes.get());
        assertTrue(reports.of("i1").stream().noneMatch(r -> r.getState() == OBSERVED_STARTING));
    }

    @Test
    void exitedContainerIsReportedFailedAndNotRestarted() throws InterruptedException {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));
        InstanceReport ready = reports.await("i1", OBSERVED_READY, WAIT);

        runtime.exit(ready.getContainerId(), 137);

        InstanceReport failed = reports.await("i1", OBSERVED_FAILED, WAIT);
        assertEquals("container exited with code 137", failed.getReason());
        runtime.awaitPasses(3);
        assertEquals(1, runtime.starts.get());
        assertEquals(1, reports.of("i1").stream().filter(r -> r.getState() == OBSERVED_FAILED).count());
    }

    @Test
    void containerRemovedBehindOurBackIsReportedFailed() throws InterruptedException {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));
        InstanceReport ready = reports.await("i1", OBSERVED_READY, WAIT);

        runtime.vanish(ready.getContainerId());

        InstanceReport failed = reports.await("i1", OBSERVED_FAILED, WAIT);
        assertTrue(failed.getReason().contains("removed outside Berth"), failed.getReason());
        runtime.awaitPasses(3);
        assertEquals(1, runtime.starts.get());
    }

    @Test
    void startFailureIsReportedWithItsReason() {
        runtime.failStartsOf("fake/image:1", "image fake/image:1 not found locally");
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));

        InstanceReport failed = reports.await("i1", OBSERVED_FAILED, WAIT);
        assertEquals("image fake/image:1 not found locally", failed.getReason());
    }

    @Test
    void readinessTimeoutIsReportedFailed() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        reconciler.start();
        reconciler.replaceAll(List.of(Assignments.withPort("i1", "db", deadPort, 300)));

        InstanceReport failed = reports.await("i1", OBSERVED_FAILED, WAIT);
        assertTrue(failed.getReason().startsWith("readiness timed out after 300ms on port db"), failed.getReason());
        assertTrue(runtime.ofInstance("i1").isPresent(), "a failed container is kept for inspection until unassigned");
    }

    @Test
    void unassignedWhileStartingIsRemovedOnceTheStartFinishes() {
        reconciler.start();
        reconciler.replaceAll(List.of(listening("i1")));
        reconciler.apply(List.of(), List.of("i1"));

        reports.await("i1", OBSERVED_REMOVED, WAIT);
        assertTrue(runtime.ofInstance("i1").isEmpty());
    }
}
