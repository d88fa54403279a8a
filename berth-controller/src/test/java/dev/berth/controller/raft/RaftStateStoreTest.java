package dev.berth.controller.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.controller.state.Fixtures;
import dev.berth.controller.state.StateChange;
import dev.berth.model.InstanceState;
import dev.berth.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real one-node Ratis group on loopback: commits, recovers from its log, and from a snapshot. */
class RaftStateStoreTest {
    @TempDir
    Path dir;

    private RaftConfig config(int port, long snapshotThreshold) {
        return new RaftConfig("c1", List.of(new RaftConfig.Peer("c1", "127.0.0.1:" + port)), dir, snapshotThreshold);
    }

    @Test
    void commitsAppliesAndRecoversAfterRestart() throws Exception {
        int port = Ports.free();
        List<StateChange> seen = new CopyOnWriteArrayList<>();
        try (RaftStateStore store = new RaftStateStore(config(port, RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD))) {
            store.readAndSubscribe(s -> null, seen::add);
            store.commit(new Command.PutTemplate(Fixtures.template("whoami"))).orThrow();
            store.commit(Fixtures.worker("w1")).orThrow();
            CommandResult created = store.commit(Fixtures.create("a3f4b92c8d", "w1", 31000));
            assertTrue(created.isOk());
            assertEquals("a3f4b92c8d", created.instance().id());
            assertTrue(created.index() > 0);
            assertEquals(1, seen.size(), "one change for the one created instance");
            assertTrue(store.isLeader());
        }
        try (RaftStateStore store = new RaftStateStore(config(port, RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD))) {
            waitForLeader(store);
            assertNotNull(store.read(s -> s.template("whoami")));
            assertEquals(InstanceState.SCHEDULED, store.read(s -> s.instance("a3f4b92c8d").state()));
        }
    }

    @Test
    void theDataDirIsTheOwnersAlone() throws Exception {
        // Made world-readable by a umask of 022, as the directory a user creates by hand would be.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (RaftStateStore store = new RaftStateStore(config(Ports.free(), RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD))) {
            waitForLeader(store);
            assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(dir),
                    "the Raft log below it holds stored TLS private keys");
        }
    }

    @Test
    void recoversFromASnapshotWhenTheLogWasCompacted() throws Exception {
        int port = Ports.free();
        try (RaftStateStore store = new RaftStateStore(config(port, 5))) {
            store.commit(new Command.PutTemplate(Fixtures.template("whoami"))).orThrow();
            store.commit(Fixtures.worker("w1")).orThrow();
            for (int i = 0; i < 12; i++) {
                store.commit(Fixtures.create(String.format("a%09d", i), "w1", 31000 + i)).orThrow();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("snapshot.")), "a snapshot file was written");
        }
        try (RaftStateStore store = new RaftStateStore(config(port, 5))) {
            waitForLeader(store);
            assertEquals(12, (int) store.read(s -> s.instances().size()));
            assertEquals(InstanceState.SCHEDULED, store.read(s -> s.instance("a000000011").state()));
        }
    }

    private static void waitForLeader(RaftStateStore store) throws InterruptedException {
        for (int i = 0; i < 200 && !store.isLeader(); i++) {
            Thread.sleep(50);
        }
        assertTrue(store.isLeader(), "single node becomes leader");
        // A leader applies its log up to the commit index before serving.
        store.commit(new Command.RenewLeases(java.util.Map.of())).orThrow();
    }
}
