package dev.berth.controller.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.controller.raft.RaftConfig;
import dev.berth.controller.raft.RaftStateStore;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.Fixtures;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Serving certificates ride the route watch: in full tables, in deltas, and in a resumed watch. */
@Timeout(60)
class RouteWatchCertificatesTest {
    @TempDir
    Path dir;
    RaftStateStore store;
    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        store = new RaftStateStore(new RaftConfig("c1", List.of(new RaftConfig.Peer("c1", "127.0.0.1:" + port)), dir,
                RaftConfig.DEFAULT_SNAPSHOT_THRESHOLD));
        String name = "routes-" + UUID.randomUUID();
        server = InProcessServerBuilder.forName(name).addService(new RouteWatchService(store)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        store.close();
    }

    /** A watch whose updates queue up for the test to take. */
    BlockingQueue<RouteUpdate> watch(long fromVersion) {
        BlockingQueue<RouteUpdate> updates = new LinkedBlockingQueue<>();
        RouteServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder().setFromVersion(fromVersion).setProxyId("p").build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(RouteUpdate u) {
                        updates.add(u);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return updates;
    }

    static RouteUpdate next(BlockingQueue<RouteUpdate> q) throws InterruptedException {
        RouteUpdate u = q.poll(10, TimeUnit.SECONDS);
        if (u == null) {
            throw new AssertionError("no route update within 10 s");
        }
        return u;
    }

    static void assertCarries(ServingCertificate expected, dev.berth.protocol.v1.ServingCertificate wire) {
        assertEquals(expected.name(), wire.getName());
        assertEquals(expected.certificate(), wire.getCertificatePem());
        assertEquals(expected.key(), wire.getKeyPem());
        assertEquals(expected.dnsNames(), wire.getDnsNamesList());
        assertEquals(expected.notAfter(), wire.getNotAfterMillis());
        assertEquals(expected.fingerprint(), wire.getFingerprintSha256());
    }

    @Test
    void fullTableCarriesEveryCertificateThenDeltasCarryChanges() throws Exception {
        ServingCertificate wildcard = Fixtures.certificate("wildcard", 1, "*.berth.localhost");
        ServingCertificate exact = Fixtures.certificate("exact", 1, "a3f4b92c8d.berth.localhost");
        store.commit(new Command.PutCertificate(wildcard)).orThrow();
        long afterWildcard = store.read(s -> s.routeVersion());
        store.commit(new Command.PutCertificate(exact)).orThrow();
        long version = store.read(s -> s.routeVersion());

        BlockingQueue<RouteUpdate> first = watch(0);
        RouteUpdate full = next(first);
        assertTrue(full.getFull());
        assertEquals(version, full.getVersion());
        assertEquals(2, full.getCertificateUpsertsCount());
        assertCarries(exact, full.getCertificateUpserts(0));
        assertCarries(wildcard, full.getCertificateUpserts(1));

        ServingCertificate renewed = Fixtures.certificate("exact", 2, "a3f4b92c8d.berth.localhost");
        long renewedAt = store.commit(new Command.PutCertificate(renewed)).orThrow().index();
        RouteUpdate upsert = next(first);
        assertFalse(upsert.getFull());
        assertEquals(renewedAt, upsert.getVersion());
        assertEquals(1, upsert.getCertificateUpsertsCount());
        assertCarries(renewed, upsert.getCertificateUpserts(0));
        assertEquals(0, upsert.getUpsertsCount());

        store.commit(new Command.PutCertificate(renewed)).orThrow(); // the same again: nothing for proxies
        long deletedAt = store.commit(new Command.DeleteCertificate("wildcard")).orThrow().index();
        RouteUpdate removal = next(first);
        assertEquals(deletedAt, removal.getVersion(), "no update for a put that changed nothing");
        assertEquals(List.of("wildcard"), removal.getCertificateRemovalsList());
        assertEquals(0, removal.getCertificateUpsertsCount());

        // A proxy that had the table at afterWildcard resumes with exactly what it missed.
        BlockingQueue<RouteUpdate> resumed = watch(afterWildcard);
        List<RouteUpdate> missed = List.of(next(resumed), next(resumed), next(resumed));
        assertTrue(missed.stream().noneMatch(RouteUpdate::getFull));
        assertEquals(List.of(version, renewedAt, deletedAt), missed.stream().map(RouteUpdate::getVersion).toList());
        assertCarries(exact, missed.get(0).getCertificateUpserts(0));
        assertCarries(renewed, missed.get(1).getCertificateUpserts(0));
        assertEquals(List.of("wildcard"), missed.get(2).getCertificateRemovalsList());
    }
}
