package dev.berth.controller.state;

import static dev.berth.controller.state.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.ErrorCode;
import dev.berth.model.InstanceState;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

    private static List<Command> randomLog(long seed, int length) {
        Random r = new Random(seed);
        List<Command> log = new ArrayList<>();
        log.add(new Command.PutTemplate(Fixtures.template("whoami")));
        log.add(Fixtures.worker("w1"));
        log.add(Fixtures.worker("w2"));
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < length; n++) {
            int pick = ids.isEmpty() ? 0 : r.nextInt(10);
            String id = ids.isEmpty() ? null : ids.get(r.nextInt(ids.size()));
            String worker = r.nextBoolean() ? "w1" : "w2";
            switch (pick) {
                case 0 -> {
                    String fresh = String.format("%010x", r.nextLong() & 0xffffffffffL);
                    ids.add(fresh);
                    log.add(Fixtures.create(fresh, worker, 31000 + n));
                }
                case 1 -> log.add(Fixtures.ready(id, worker, 32000 + r.nextInt(1000)));
                case 2 -> log.add(new Command.StopInstance(id, "stopped", T0 + n));
                case 3 -> log.add(new Command.ReportInstance(id, worker, Command.Observed.REMOVED, "", java.util.Map.of(), T0 + n));
                case 4 -> log.add(new Command.ExtendInstance(id, T0 + r.nextInt(10_000_000), T0 + n));
                case 5 -> log.add(new Command.MarkWorkerDown(worker, T0 + n));
                case 6 -> log.add(new Command.RegisterWorker(worker, "127.0.0.1", 50, T0 + n, T0 + n + 10_000));
                case 8 -> log.add(new Command.PutCertificate(Fixtures.certificate("cert-" + r.nextInt(4), n, "*.berth.localhost")));
                case 9 -> log.add(new Command.DeleteCertificate("cert-" + r.nextInt(4)));
                default -> log.add(new Command.RenewLeases(java.util.Map.of(worker, T0 + n + 20_000L)));
            }
        }
        return log;
    }

    private static ClusterState replay(List<Command> log) {
        ClusterState s = new ClusterState();
        for (int i = 0; i < log.size(); i++) {
            s.apply(i + 1, log.get(i));
        }
        return s;
    }

    @Test
    void sameLogGivesSameState() {
        List<Command> log = randomLog(42, 400);
        ClusterSnapshot a = replay(log).snapshot();
        ClusterSnapshot b = replay(log).snapshot();
        assertEquals(a, b);
        assertTrue(a.instances().size() > 10, "the random log should create instances");
        assertFalse(a.certificates().isEmpty(), "the random log should leave certificates stored");
    }

    @Test
    void snapshotRestoreThenRestEqualsFullReplay() {
        List<Command> log = randomLog(7, 300);
        ClusterState first = replay(log.subList(0, 150));
        ClusterState restored = ClusterState.restore(first.snapshot());
        for (int i = 150; i < log.size(); i++) {
            restored.apply(i + 1, log.get(i));
        }
        ClusterState full = replay(log);
        assertEquals(full.snapshot(), restored.snapshot());
        assertEquals(Set.copyOf(full.routes()), Set.copyOf(restored.routes()));
    }

    @Test
    void readyInstanceGetsRoutesAndStopRemovesThem() {
        ClusterState s = replay(List.of(new Command.PutTemplate(Fixtures.template("whoami")), Fixtures.worker("w1"),
                Fixtures.create("a3f4b92c8d", "w1", 31000)));
        assertEquals(InstanceState.SCHEDULED, s.instance("a3f4b92c8d").state());
        assertEquals(List.of(new Route(RouteKey.http("a3f4b92c8d.berth.localhost"), "a3f4b92c8d", null)),
                List.copyOf(s.routes()), "only a backend-less 'starting' placeholder before READY");

        ClusterState.Applied ready = s.apply(4, Fixtures.ready("a3f4b92c8d", "w1", 32768));
        assertEquals(InstanceState.READY, s.instance("a3f4b92c8d").state());
        Set<RouteKey> keys = s.routes().stream().map(Route::key).collect(Collectors.toSet());
        assertEquals(Set.of(RouteKey.http("a3f4b92c8d.berth.localhost"), RouteKey.tcp(31000)), keys);
        assertEquals(2, ready.change().routes().upserts().size(), "the http route gets its backend, the tcp route appears");
        assertEquals(4, s.routeVersion());

        ClusterState.Applied stop = s.apply(5, new Command.StopInstance("a3f4b92c8d", "stopped by request", T0 + 5));
        assertEquals(InstanceState.STOPPING, s.instance("a3f4b92c8d").state());
        assertTrue(s.routes().isEmpty());
        assertEquals(Set.copyOf(keys), Set.copyOf(stop.change().routes().removals()));

        s.apply(6, new Command.ReportInstance("a3f4b92c8d", "w1", Command.Observed.REMOVED, "", java.util.Map.of(), T0 + 6));
        assertEquals(InstanceState.STOPPED, s.instance("a3f4b92c8d").state());
        assertEquals(List.of(InstanceState.SCHEDULED, InstanceState.READY, InstanceState.STOPPING, InstanceState.STOPPED),
                s.instance("a3f4b92c8d").events().stream().map(dev.berth.model.Instance.Event::state).toList(),
                "every transition is an event");
        assertEquals("stopped by request", s.instance("a3f4b92c8d").events().get(2).reason());
        s.apply(7, new Command.PurgeInstance(List.of("a3f4b92c8d")));
        assertNull(s.instance("a3f4b92c8d"));
    }

    @Test
    void refusedCommandsChangeNothing() {
        ClusterState s = replay(List.of(new Command.PutTemplate(Fixtures.template("whoami")), Fixtures.worker("w1"),
                Fixtures.create("a3f4b92c8d", "w1", 31000)));
        ClusterSnapshot before = s.snapshot();

        var unknownTemplate = s.apply(4, new Command.CreateInstance("bbbbbbbbbb", "nope", "t", "bbbbbbbbbb.berth.localhost",
                "w1", T0, T0 + 1, T0 + 2, java.util.Map.of(), java.util.Map.of()));
        assertEquals(ErrorCode.NOT_FOUND, unknownTemplate.result().error());
        var sameHostname = s.apply(5, Fixtures.create("a3f4b92c8d", "w1", 31001));
        assertEquals(ErrorCode.CONFLICT, sameHostname.result().error());
        var takenPort = s.apply(6, Fixtures.create("cccccccccc", "w1", 31000));
        assertEquals(ErrorCode.CONFLICT, takenPort.result().error());
        var pastMax = s.apply(7, new Command.ExtendInstance("a3f4b92c8d", T0 + 7_200_001, T0 + 7));
        assertEquals(ErrorCode.TTL_EXCEEDED, pastMax.result().error());

        assertEquals(before.instances(), s.snapshot().instances());
        assertEquals(before.templates(), s.snapshot().templates());
    }

    @Test
    void lostWorkerLosesItsInstancesOnly() {
        ClusterState s = replay(List.of(new Command.PutTemplate(Fixtures.template("whoami")), Fixtures.worker("w1"), Fixtures.worker("w2"),
                Fixtures.create("aaaaaaaaaa", "w1", 31000), Fixtures.create("bbbbbbbbbb", "w2", 31001)));
        s.apply(6, Fixtures.ready("aaaaaaaaaa", "w1", 32000));
        s.apply(7, Fixtures.ready("bbbbbbbbbb", "w2", 32002));
        ClusterState.Applied down = s.apply(8, new Command.MarkWorkerDown("w1", T0 + 8));
        assertEquals(InstanceState.LOST, s.instance("aaaaaaaaaa").state());
        assertEquals(InstanceState.READY, s.instance("bbbbbbbbbb").state());
        assertTrue(down.change().routes().removals().contains(RouteKey.http("aaaaaaaaaa.berth.localhost")));
        assertFalse(s.routes().stream().anyMatch(r -> r.instanceId().equals("aaaaaaaaaa")));
        // A report from the lost worker cannot bring the instance back.
        s.apply(9, Fixtures.ready("aaaaaaaaaa", "w1", 32000));
        assertEquals(InstanceState.LOST, s.instance("aaaaaaaaaa").state());
    }

    @Test
    void lostInstanceRelaunchesOnAnotherWorkerUnderTheSameHostname() {
        ClusterState s = replay(List.of(new Command.PutTemplate(Fixtures.template("whoami")), Fixtures.worker("w1"), Fixtures.worker("w2"),
                Fixtures.create("aaaaaaaaaa", "w1", 31000)));
        s.apply(5, Fixtures.ready("aaaaaaaaaa", "w1", 32000));
        assertEquals(ErrorCode.CONFLICT, s.apply(6, new Command.RelaunchInstance("aaaaaaaaaa", "w2", T0 + 6)).result().error(),
                "a READY instance is not relaunched");
        s.apply(7, new Command.MarkWorkerDown("w1", T0 + 7));
        assertEquals(ErrorCode.NO_CAPACITY, s.apply(8, new Command.RelaunchInstance("aaaaaaaaaa", "w1", T0 + 8)).result().error(),
                "not onto a DOWN worker");

        s.apply(9, new Command.RelaunchInstance("aaaaaaaaaa", "w2", T0 + 9));
        var relaunched = s.instance("aaaaaaaaaa");
        assertEquals(InstanceState.SCHEDULED, relaunched.state());
        assertEquals("w2", relaunched.workerId());
        assertEquals("aaaaaaaaaa.berth.localhost", relaunched.hostname());
        assertTrue(relaunched.endpoints().isEmpty());
        // The old worker's late report no longer counts.
        s.apply(10, Fixtures.ready("aaaaaaaaaa", "w1", 32000));
        assertEquals(InstanceState.SCHEDULED, s.instance("aaaaaaaaaa").state());
    }

    @Test
    void certificatesAreStoredReplacedAndDeletedAsPartOfTheRouteTable() {
        ClusterState s = new ClusterState();
        var wildcard = Fixtures.certificate("wildcard", 1, "*.berth.localhost");
        ClusterState.Applied put = s.apply(1, new Command.PutCertificate(wildcard));
        assertTrue(put.result().isOk());
        assertEquals(wildcard, s.certificate("wildcard"));
        assertEquals(List.of(wildcard), put.change().routes().certificateUpserts());
        assertEquals(1, s.routeVersion(), "proxies watch certificates with the routes: the version moves");

        assertTrue(s.apply(2, new Command.PutCertificate(wildcard)).change().isEmpty(), "the same certificate again changes nothing");
        assertEquals(1, s.routeVersion());

        var renewed = Fixtures.certificate("wildcard", 2, "*.berth.localhost");
        ClusterState.Applied replaced = s.apply(3, new Command.PutCertificate(renewed));
        assertEquals(List.of(renewed), replaced.change().routes().certificateUpserts());
        assertEquals(renewed, s.certificate("wildcard"));
        assertEquals(3, s.routeVersion());

        ClusterState.Applied unknown = s.apply(4, new Command.DeleteCertificate("nope"));
        assertEquals(ErrorCode.NOT_FOUND, unknown.result().error());
        assertTrue(unknown.change().isEmpty());

        ClusterState.Applied deleted = s.apply(5, new Command.DeleteCertificate("wildcard"));
        assertTrue(deleted.result().isOk());
        assertEquals(List.of("wildcard"), deleted.change().routes().certificateRemovals());
        assertTrue(deleted.change().routes().certificateUpserts().isEmpty());
        assertNull(s.certificate("wildcard"));
        assertEquals(5, s.routeVersion());
    }

    @Test
    void snapshotJsonKeepsCertificatesWithTheirKeys() throws Exception {
        ClusterState s = replay(randomLog(11, 200));
        s.apply(1000, new Command.PutCertificate(Fixtures.certificate("exact", 3, "a3f4b92c8d.berth.localhost")));
        ClusterSnapshot snapshot = s.snapshot();
        var out = new java.io.ByteArrayOutputStream();
        dev.berth.controller.raft.LogCodec.writeSnapshot(snapshot, out);
        ClusterSnapshot read = dev.berth.controller.raft.LogCodec.readSnapshot(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertEquals(snapshot, read);
        assertTrue(read.certificates().stream().anyMatch(c -> c.name().equals("exact") && c.key().contains("PRIVATE KEY")));
        assertEquals(s.snapshot(), ClusterState.restore(read).snapshot());
    }

    @Test
    void aSnapshotFromBeforeCertificatesReadsAsNone() throws Exception {
        String old = "{\"appliedIndex\":7,\"routeVersion\":5,\"templates\":[],\"instances\":[],\"workers\":[],\"controllers\":[]}";
        ClusterSnapshot read = dev.berth.controller.raft.LogCodec.readSnapshot(
                new java.io.ByteArrayInputStream(old.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(List.of(), read.certificates());
        assertTrue(ClusterState.restore(read).certificates().isEmpty());
    }

    @Test
    void certificateCommandsRoundTripThroughTheLogCodec() {
        Command put = new Command.PutCertificate(Fixtures.certificate("web", 1, "*.berth.localhost", "berth.localhost"));
        Command delete = new Command.DeleteCertificate("web");
        assertEquals(put, dev.berth.controller.raft.LogCodec.decodeCommand(dev.berth.controller.raft.LogCodec.encode(put)));
        assertEquals(delete, dev.berth.controller.raft.LogCodec.decodeCommand(dev.berth.controller.raft.LogCodec.encode(delete)));
    }

    @Test
    void extendWithinMaxMovesExpiry() {
        ClusterState s = replay(List.of(new Command.PutTemplate(Fixtures.template("whoami")), Fixtures.worker("w1"),
                Fixtures.create("a3f4b92c8d", "w1", 31000)));
        s.apply(4, new Command.ExtendInstance("a3f4b92c8d", T0 + 3_600_000, T0 + 4));
        assertEquals(T0 + 3_600_000, s.instance("a3f4b92c8d").expiresAt());
    }
}
