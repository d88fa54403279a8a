package dev.berth.controller.raft;

import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.controller.state.StateChange;
import dev.berth.controller.store.CommandObserver;
import dev.berth.controller.store.GuardedState;
import dev.berth.controller.store.RaftStatus;
import dev.berth.controller.store.StateStore;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import dev.berth.protocol.tls.NodeTls;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.NetUtils;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The state store on Apache Ratis: one Raft server per controller plus a client that finds the
 * leader, so a command submitted to any controller is forwarded to the leader and its result
 * comes back here.
 */
public final class RaftStateStore implements StateStore {
    /** One fixed group: a Berth cluster is one Raft group. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("berth-controllers".getBytes(StandardCharsets.UTF_8)));
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RaftStateStore.class);
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(15);

    private final RaftConfig config;
    private final GuardedState state = new GuardedState();
    private final BerthStateMachine stateMachine = new BerthStateMachine(state);
    private final RaftGroup group;
    private final RaftServer server;
    private final Parameters parameters;
    /** Replaced when Ratis closes it for good (see {@link #closedClient}); replacement under {@code this}. */
    private volatile RaftClient client;
    private volatile boolean closing;

    public RaftStateStore(RaftConfig config) {
        this(config, null);
    }

    /**
     * @param tls when not null, Raft traffic between controllers (and this node's Raft client)
     *            uses mutual TLS with the same certificates as Berth's gRPC
     */
    public RaftStateStore(RaftConfig config, NodeTls tls) {
        this.config = config;
        this.parameters = new Parameters();
        if (tls != null) {
            GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(tls.privateKey().toFile(),
                    tls.certChain().toFile(), tls.trustedCa().toFile(), true));
        }
        this.group = RaftGroup.valueOf(GROUP_ID, config.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build()).toList());
        InetSocketAddress raftAddress = NetUtils.createSocketAddr(config.self().address());
        checkFree(raftAddress);
        restrictToOwner(config.dataDir());
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(config.dataDir().resolve("raft").toFile()));
        GrpcConfigKeys.Server.setPort(props, raftAddress.getPort());
        GrpcConfigKeys.Server.setHost(props, raftAddress.getHostString());
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, config.snapshotThreshold());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        // Compaction follows the snapshot interval: the log is cut in segments of about a
        // thousand bytes per snapshot entry, and closed segments behind a snapshot are purged,
        // so a follower that was away long enough is caught up with a snapshot install.
        RaftServerConfigKeys.Log.setPurgeGap(props, (int) Math.max(1, Math.min(config.snapshotThreshold(), 1024)));
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(
                Math.max(16L << 10, Math.min(config.snapshotThreshold() << 10, 32L << 20))));
        // Two snapshots on disk are enough: the newest, and the one before in case it is torn.
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        // Elections in well under a second on a LAN; a kill -9 of the leader costs about this much.
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        try {
            // A joining node starts with no group members: it must not elect itself; the
            // leader brings it in (log or snapshot) once the membership change commits.
            RaftGroup serverGroup = config.join() ? RaftGroup.valueOf(GROUP_ID) : group;
            this.server = RaftServer.newBuilder()
                    .setGroup(serverGroup)
                    .setProperties(props)
                    .setServerId(RaftPeerId.valueOf(config.nodeId()))
                    .setStateMachine(stateMachine)
                    .setParameters(parameters)
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Raft node " + config.nodeId(), e);
        }
        this.client = newClient(group);
    }

    /**
     * The Raft log and snapshots hold what the cluster stores, stored TLS private keys among it:
     * the data dir is the owner's alone (0700), whatever the umask made of it. Everything below
     * it is then out of other users' reach, whatever modes Ratis gives its files.
     */
    private static void restrictToOwner(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            if (!Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class)) {
                return;
            }
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(dataDir).equals(ownerOnly)) {
                Files.setPosixFilePermissions(dataDir, ownerOnly);
                LOG.info("data dir {} is now mode 0700: the Raft log holds stored TLS keys", dataDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data dir " + dataDir + " private: " + e.getMessage(), e);
        }
    }

    /**
     * Ratis ends the JVM (System.exit, with a stack trace) when its port is taken. Trying the
     * address first turns the common case into an error that says what to fix.
     */
    private static void checkFree(InetSocketAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for Raft on " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    private RaftClient newClient(RaftGroup peers) {
        return RaftClient.newBuilder()
                .setProperties(new RaftProperties())
                .setRaftGroup(peers)
                .setParameters(parameters)
                .setLeaderId(RaftPeerId.valueOf(config.nodeId()))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(150, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    @Override
    public CompletableFuture<CommandResult> submit(Command command) {
        Message message = Message.valueOf(ByteString.copyFrom(LogCodec.encode(command)));
        RaftClient used = client;
        return send(used, message).thenCompose(sent -> sent.error() != null && closedClient(sent.error()) && replaceClient(used)
                ? send(client, message) // once more, on the fresh client
                : CompletableFuture.completedFuture(sent))
                .thenApply(sent -> decode(sent.reply(), sent.error()));
    }

    private record Sent(RaftClientReply reply, Throwable error) {
    }

    private static CompletableFuture<Sent> send(RaftClient c, Message message) {
        return c.async().send(message)
                .orTimeout(SUBMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle(Sent::new);
    }

    /**
     * Ratis' ordered async client fails every later request once one request has run out of
     * retries (its sliding window closes for good). Without a replacement, a controller that
     * went without a leader for longer than the retry policy lasts (a restart while the quorum
     * is down, a partition) could never commit again, even once the group is whole: no launch
     * through its API, and the leases of the workers streaming to it would lapse.
     */
    private static boolean closedClient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AlreadyClosedException || t instanceof RaftRetryFailureException) {
                return true;
            }
        }
        return false;
    }

    private synchronized boolean replaceClient(RaftClient broken) {
        if (closing) {
            return false;
        }
        if (client == broken) {
            RaftGroup peers = group;
            try {
                var current = server.getDivision(GROUP_ID).getRaftConf().getCurrentPeers();
                if (!current.isEmpty()) {
                    peers = RaftGroup.valueOf(GROUP_ID, List.copyOf(current));
                }
            } catch (IOException e) {
                // keep the configured group
            }
            client = newClient(peers);
            LOG.warn("Raft client {} was closed after a request ran out of retries; replaced it by {}", broken.getId(), client.getId());
            try {
                broken.close();
            } catch (IOException ignored) {
                // dropped anyway
            }
        }
        return true;
    }

    private static CommandResult decode(RaftClientReply reply, Throwable error) {
        Throwable cause = error instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : error;
        if (cause instanceof TimeoutException) {
            throw new BerthException(ErrorCode.UNAVAILABLE, "the control plane did not commit the change in time (no Raft quorum?)");
        }
        if (cause != null) {
            throw new BerthException(ErrorCode.UNAVAILABLE, "the control plane could not commit the change: " + cause.getMessage());
        }
        if (!reply.isSuccess()) {
            throw new BerthException(ErrorCode.UNAVAILABLE, "the control plane refused the change: " + reply.getException());
        }
        return LogCodec.decodeResult(reply.getMessage().getContent().toByteArray());
    }

    @Override
    public <T> T read(Function<ClusterState, T> reader) {
        return state.read(reader);
    }

    @Override
    public <T> T readAndSubscribe(Function<ClusterState, T> reader, Consumer<StateChange> listener) {
        return state.readAndSubscribe(reader, listener);
    }

    @Override
    public void unsubscribe(Consumer<StateChange> listener) {
        state.unsubscribe(listener);
    }

    /** Tells {@code observer} of every command this controller applies from now on (see {@link CommandObserver}). */
    public void observeCommands(CommandObserver observer) {
        state.observeCommands(observer);
    }

    @Override
    public boolean isLeader() {
        try {
            return server.getDivision(GROUP_ID).getInfo().isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public RaftStatus status() {
        try {
            DivisionInfo info = server.getDivision(GROUP_ID).getInfo();
            RaftPeerId leader = info.getLeaderId();
            var conf = server.getDivision(GROUP_ID).getRaftConf();
            List<RaftStatus.Peer> peers = conf.getCurrentPeers().stream()
                    .map(p -> new RaftStatus.Peer(p.getId().toString(), p.getAddress())).toList();
            return new RaftStatus(config.nodeId(), info.getCurrentRole().name(), info.getCurrentTerm(),
                    leader == null ? null : leader.toString(), info.getLastAppliedIndex(),
                    server.getDivision(GROUP_ID).getRaftLog().getLastCommittedIndex(), peers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the group's membership with {@code members} (a Raft joint-consensus change, so the
     * group keeps a quorum throughout). New members must already be running with {@code join}.
     */
    @Override
    public void setMembers(List<RaftStatus.Peer> members) {
        if (members.isEmpty()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "a controller group needs at least one member");
        }
        List<RaftPeer> peers = members.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build()).toList();
        try {
            RaftClientReply reply = client.admin().setConfiguration(peers);
            if (!reply.isSuccess()) {
                throw new BerthException(ErrorCode.UNAVAILABLE, "membership change refused: " + reply.getException());
            }
        } catch (IOException e) {
            throw new BerthException(ErrorCode.UNAVAILABLE, "membership change failed: " + e.getMessage());
        }
    }


    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        try {
            client.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
