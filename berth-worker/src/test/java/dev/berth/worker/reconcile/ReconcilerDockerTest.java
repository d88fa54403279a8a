package dev.berth.worker.reconcile;

import static dev.berth.protocol.v1.ObservedState.OBSERVED_FAILED;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_READY;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_REMOVED;
import static dev.berth.protocol.v1.ObservedState.OBSERVED_STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.Endpoint;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.Readiness;
import dev.berth.worker.runtime.BerthLabels;
import dev.berth.worker.runtime.DockerContainerRuntime;
import dev.berth.worker.testing.Assignments;
import dev.berth.worker.testing.DockerCleanup;
import dev.berth.worker.testing.ReportLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DockerContainerRuntime and Reconciler against the real engine and the example image. */
class ReconcilerDockerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADVERTISE = "127.0.0.1";

    private static DockerClient docker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Reconciler> reconcilers = new ArrayList<>();
    private String workerId;
    private DockerContainerRuntime runtime;

    @BeforeAll
    static void connect() {
        docker = DockerContainerRuntime.client(null);
        docker.pingCmd().exec();
    }

    @AfterAll
    static void disconnect() throws IOException {
        docker.close();
    }

    @BeforeEach
    void setUp() {
        workerId = DockerCleanup.uniqueWorkerId();
        runtime = new DockerContainerRuntime(docker, workerId, ADVERTISE);
    }

    @AfterEach
    void tearDown() {
        reconcilers.forEach(Reconciler::close);
        DockerCleanup.removeAll(docker, workerId);
    }

    private Reconciler reconciler(ReportLog reports) {
        Reconciler r = new Reconciler(runtime, ADVERTISE, Duration.ofMillis(500), reports);
        reconcilers.add(r);
        r.start();
        return r;
    }

    private String get(Endpoint e) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://" + e.getHost() + ":" + e.getPort() + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        return res.body();
    }

    @Test
    void startsWhoamiHardenedAndReachableOnItsEndpoint() throws Exception {
        ReportLog reports = new ReportLog();
        reconciler(reports).replaceAll(List.of(Assignments.whoami("w1")));

        reports.await("w1", OBSERVED_STARTING, WAIT);
        InstanceReport ready = reports.await("w1", OBSERVED_READY, WAIT);
        Endpoint web = ready.getEndpointsOrThrow("web");
        assertEquals(ADVERTISE, web.getHost());
        String page = get(web);
        assertTrue(page.contains("instance: w1"), page);
        assertTrue(page.contains("flag: flag{w1}"), page);

        InspectContainerResponse c = docker.inspectContainerCmd(ready.getContainerId()).exec();
        assertEquals("/" + BerthLabels.containerName("w1"), c.getName());
        assertEquals(Map.of(BerthLabels.INSTANCE, "w1", BerthLabels.WORKER, workerId, BerthLabels.TEMPLATE, "whoami"),
                c.getConfig().getLabels());
        assertTrue(Arrays.asList(c.getConfig().getEnv()).containsAll(
                List.of("BERTH_INSTANCE_ID=w1", "BERTH_HOSTNAME=w1.test.berth")));
        var host = c.getHostConfig();
        assertEquals("ALL", Arrays.stream(host.getCapDrop()).map(Object::toString).reduce("", String::concat));
        assertTrue(host.getSecurityOpts().stream().anyMatch(o -> o.startsWith("no-new-privileges")), host.getSecurityOpts().toString());
        assertEquals(128L, host.getPidsLimit());
        assertEquals(64L << 20, host.getMemory());
        assertEquals(250_000_000L, host.getNanoCPUs());
        String restart = host.getRestartPolicy().getName();
        assertTrue(restart.isEmpty() || restart.equals("no"), "restart policy must be none, was " + restart);
        Ports.Binding[] binding = host.getPortBindings().getBindings().get(ExposedPort.tcp(8080));
        assertEquals(ADVERTISE, binding[0].getHostIp());
        assertEquals(String.valueOf(web.getPort()),
                c.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(8080))[0].getHostPortSpec());
    }

    @Test
    void removesAnOrphanLabelledForThisWorker() {
        String orphan = docker.createContainerCmd(Assignments.WHOAMI)
                .withName("berth-orphan-" + workerId)
                .withLabels(Map.of(BerthLabels.INSTANCE, "orphan", BerthLabels.WORKER, workerId, BerthLabels.TEMPLATE, "whoami"))
                .exec().getId();
        docker.startContainerCmd(orphan).exec();

        ReportLog reports = new ReportLog();
        reconciler(reports).replaceAll(List.of());

        reports.await("orphan", OBSERVED_REMOVED, WAIT);
        assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(orphan).exec());
    }

    @Test
    void containerKilledBehindBerthsBackIsReportedFailedAndLeftAlone() throws Exception {
        ReportLog reports = new ReportLog();
        reconciler(reports).replaceAll(List.of(Assignments.whoami("k1")));
        String id = reports.await("k1", OBSERVED_READY, WAIT).getContainerId();

        Process kill = new ProcessBuilder("docker", "kill", id).redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor(), new String(kill.getInputStream().readAllBytes()));

        InstanceReport failed = reports.await("k1", OBSERVED_FAILED, WAIT);
        assertEquals("container exited with code 137", failed.getReason());
        assertEquals(id, failed.getContainerId());
        InspectContainerResponse after = docker.inspectContainerCmd(id).exec();
        assertFalse(after.getState().getRunning(), "Berth must not restart it on its own");
    }

    @Test
    void newReconcilerAdoptsRunningContainersWithoutRestartingThem() throws Exception {
        ReportLog first = new ReportLog();
        Reconciler before = reconciler(first);
        before.replaceAll(List.of(Assignments.whoami("a1")));
        InstanceReport ready = first.await("a1", OBSERVED_READY, WAIT);
        String startedAt = docker.inspectContainerCmd(ready.getContainerId()).exec().getState().getStartedAt();
        before.close(); // as a worker restart would

        ReportLog second = new ReportLog();
        reconciler(second).replaceAll(List.of(Assignments.whoami("a1")));
        InstanceReport adopted = second.await("a1", OBSERVED_READY, WAIT);

        assertEquals(ready.getContainerId(), adopted.getContainerId());
        assertEquals(ready.getEndpointsMap(), adopted.getEndpointsMap());
        assertEquals(startedAt, docker.inspectContainerCmd(adopted.getContainerId()).exec().getState().getStartedAt());
        assertTrue(second.of("a1").stream().noneMatch(r -> r.getState() == OBSERVED_STARTING));
        assertTrue(get(adopted.getEndpointsOrThrow("web")).contains("instance: a1"));
    }

    @Test
    void readinessTimesOutWhenNothingListensEvenThoughThePortIsPublished() {
        Assignment sleeper = Assignments.whoami("s1").toBuilder()
                .addAllCommand(List.of("sleep", "3600"))
                .setReadiness(Readiness.newBuilder().setTimeoutMillis(2_000))
                .build();
        ReportLog reports = new ReportLog();
        reconciler(reports).replaceAll(List.of(sleeper));

        InstanceReport failed = reports.await("s1", OBSERVED_FAILED, WAIT);
        assertTrue(failed.getReason().startsWith("readiness timed out after 2s on port web"), failed.getReason());
        assertTrue(reports.of("s1").stream().noneMatch(r -> r.getState() == OBSERVED_READY));
    }

    @Test
    void missingImageFailsWithoutPulling() {
        Assignment missing = Assignments.whoami("m1").toBuilder().setImage("berth/no-such-image:never").build();
        ReportLog reports = new ReportLog();
        reconciler(reports).replaceAll(List.of(missing));

        InstanceReport failed = reports.await("m1", OBSERVED_FAILED, WAIT);
        assertTrue(failed.getReason().startsWith("image berth/no-such-image:never not found locally"), failed.getReason());
        assertThrows(NotFoundException.class, () -> docker.inspectImageCmd("berth/no-such-image:never").exec());
    }

    @Test
    void unassignedContainerIsRemoved() {
        ReportLog reports = new ReportLog();
        Reconciler r = reconciler(reports);
        r.replaceAll(List.of(Assignments.whoami("u1")));
        String id = reports.await("u1", OBSERVED_READY, WAIT).getContainerId();

        r.apply(List.of(), List.of("u1"));

        reports.await("u1", OBSERVED_REMOVED, WAIT);
        assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(id).exec());
    }
}
