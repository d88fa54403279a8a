package dev.berth.controller.raft;

import dev.berth.controller.state.ClusterSnapshot;
import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.controller.store.GuardedState;
import dev.berth.model.ErrorCode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis' view of Berth's state: decodes each committed entry into a {@link Command}, applies it to
 * the {@link ClusterState}, and writes/loads JSON snapshots. A follower far behind receives a
 * snapshot file from the leader and reloads from it ({@link #reinitialize}).
 */
final class BerthStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(BerthStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final GuardedState state;

    BerthStateMachine(GuardedState state) {
        this.state = state;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(false);
        });
    }

    /** Ratis pauses the state machine before it writes a snapshot sent by the leader into place. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Called after a snapshot from the leader was installed: start again from it. */
    @Override
    public void reinitialize() throws IOException {
        load(true);
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load(boolean installed) throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null || !Files.exists(snapshot.getFile().getPath())) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file, md5);
        }
        TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            ClusterSnapshot loaded = LogCodec.readSnapshot(in);
            state.replace(loaded);
        }
        updateLastAppliedTermIndex(last);
        LOG.info(installed ? "installed snapshot from the leader at {}" : "loaded snapshot at {}", last);
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public long takeSnapshot() throws IOException {
        // Read under the state lock so the snapshot and its index belong together.
        record Taken(ClusterSnapshot snapshot, TermIndex at) {
        }
        Taken taken = state.read(s -> new Taken(s.snapshot(), getLastAppliedTermIndex()));
        File file = storage.getSnapshotFile(taken.at().getTerm(), taken.at().getIndex());
        File tmp = new File(file.getPath() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()))) {
            LogCodec.writeSnapshot(taken.snapshot(), out);
        }
        Files.move(tmp.toPath(), file.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), taken.at()));
        LOG.info("took snapshot at {}", taken.at());
        return taken.at().getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        CommandResult result;
        try {
            Command command = LogCodec.decodeCommand(entry.getStateMachineLogEntry().getLogData().toByteArray());
            result = state.apply(at.getIndex(), command, () -> updateLastAppliedTermIndex(at)).result();
        } catch (RuntimeException e) {
            // A command that cannot be decoded or applied is refused the same way on every node.
            LOG.error("could not apply entry {}", at, e);
            state.skip(at.getIndex(), () -> updateLastAppliedTermIndex(at));
            result = CommandResult.fail(ErrorCode.INTERNAL, "could not apply: " + e.getMessage()).atIndex(at.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(
                org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(LogCodec.encode(result))));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // Entries without a command (a new leader's no-op, configuration) still move the index.
        state.skip(index, () -> updateLastAppliedTermIndex(term, index));
    }

    <T> T read(Function<ClusterState, T> reader) {
        return state.read(reader);
    }
}
