package dev.berth.controller.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.raft.RaftStateStore;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.Fixtures;
import dev.berth.model.InstanceState;
import dev.berth.model.Template;
import dev.berth.model.WorkerInfo;
import dev.berth.model.WorkerLossPolicy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lease expiry on a real one-node Raft store, with a clock the test moves. */
class LeaseKeeperTest {
    @TempDir
    Path dir;

    static final class ManualClock extends Clock {
        long millis = Fixtures.T0;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void lapsedWorkerIsMarkedDownAndRelaunchTemplatesMove() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RaftStateStore store = new RaftStateStore(new RaftConfig("c1", List.of(new RaftConfig.Peer("c1", "127.0.0.1:" + port)), dir, 1000))) {
            Template lose = Fixtures.template("whoami");
            Template relaunch = new Template("relaunch", lose.image(), lose.command(), lose.ports(), lose.env(),
                    lose.resources(), lose.ttl(), lose.readiness(), WorkerLossPolicy.RELAUNCH);
            store.commit(new Command.PutTemplate(lose)).orThrow();
            store.commit(new Command.PutTemplate(relaunch)).orThrow();
            store.commit(new Command.RegisterWorker("w1", "127.0.0.1", 10, Fixtures.T0, Fixtures.T0 + 10_000)).orThrow();
            store.commit(new Command.RegisterWorker("w2", "127.0.0.1", 10, Fixtures.T0, Fixtures.T0 + 10_000)).orThrow();
            store.commit(Fixtures.create("aaaaaaaaaa", "w1", 31000)).orThrow();
            store.commit(new Command.CreateInstance("bbbbbbbbbb", "relaunch", "t", "bbbbbbbbbb.berth.localhost", "w1",
                    Fixtures.T0, Fixtures.T0 + 1_800_000, Fixtures.T0 + 7_200_000, Map.of(), Map.of())).orThrow();

            ManualClock clock = new ManualClock();
            LeaseKeeper keeper = new LeaseKeeper(store, Duration.ofSeconds(10), clock);
            keeper.heardFrom("w2");
            keeper.tick();                       // becomes the judging leader; w2 renewed
            clock.millis += 11_000;              // w1 silent past its lease; leader for a whole lease
            keeper.heardFrom("w2");
            keeper.tick();
            awaitState(store, "aaaaaaaaaa", InstanceState.LOST);
            assertEquals(WorkerInfo.Status.DOWN, store.read(s -> s.worker("w1").status()));
            assertEquals(WorkerInfo.Status.UP, store.read(s -> s.worker("w2").status()));

            keeper.tick();                       // the relaunch decision reads the committed LOST state
            awaitState(store, "bbbbbbbbbb", InstanceState.SCHEDULED);
            assertEquals("w2", store.read(s -> s.instance("bbbbbbbbbb").workerId()));
            assertEquals(InstanceState.LOST, store.read(s -> s.instance("aaaaaaaaaa").state()), "a 'lose' template stays LOST");
        }
    }

    private static void awaitState(RaftStateStore store, String id, InstanceState state) throws InterruptedException {
        for (int i = 0; i < 100 && store.read(s -> s.instance(id).state()) != state; i++) {
            Thread.sleep(50);
        }
        assertEquals(state, store.read(s -> s.instance(id).state()));
    }
}
