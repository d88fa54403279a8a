package dev.berth.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gRPC server on a loopback socket with {@link NodeTls#serverCredentials()}: only clients
 * presenting a certificate from the cluster CA get through; the handler never runs for the rest.
 */
class MutualTlsSocketTest {
    @TempDir
    Path dir;

    TestPki.Identity ca;
    Server server;
    int port;
    final AtomicInteger served = new AtomicInteger();
    final List<String> peers = new CopyOnWriteArrayList<>();
    final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        ca = TestPki.ca("cluster CA");
        NodeTls serverTls = TestPki.files(dir, "controller", TestPki.node(ca, "controller-1"), ca);
        ServerInterceptor recordPeer = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                try {
                    peers.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
                } catch (Exception e) {
                    peers.add("none: " + e);
                }
                return next.startCall(call, headers);
            }
        };
        server = serverTls.serverBuilder(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new RouteServiceGrpc.RouteServiceImplBase() {
                    @Override
                    public void watch(WatchRequest request, StreamObserver<RouteUpdate> responses) {
                        served.incrementAndGet();
                        responses.onNext(RouteUpdate.newBuilder().setVersion(42).build());
                        responses.onCompleted();
                    }
                }, recordPeer))
                .build().start();
        port = server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private RouteUpdate call(ManagedChannel channel) {
        channels.add(channel);
        return RouteServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .watch(WatchRequest.newBuilder().setProxyId("test").build()).next();
    }

    private void assertRefused(ManagedChannel channel) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel));
        assertTrue(e.getStatus().getCode() != Status.Code.OK, e.toString());
        assertEquals(0, served.get(), "the handler never ran for a refused client");
    }

    @Test
    void clientWithCertificateFromTheCaGetsThrough() throws Exception {
        NodeTls client = TestPki.files(dir, "worker", TestPki.node(ca, "worker-1"), ca);
        assertEquals(42, call(client.channelBuilder("127.0.0.1", port).build()).getVersion());
        assertEquals(1, served.get());
        assertEquals(List.of("CN=worker-1,O=Berth Test"), peers, "the server sees who the client is");

        // and by DNS name, which the server certificate also carries
        assertEquals(42, call(client.channelBuilder("localhost", port).build()).getVersion());
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        Path caFile = TestPki.writeCerts(dir.resolve("ca.pem"), ca.cert());
        ChannelCredentials trustOnly = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port, trustOnly).build());
    }

    @Test
    void clientWithCertificateFromAnotherCaIsRefused() throws Exception {
        TestPki.Identity otherCa = TestPki.ca("other CA");
        // It trusts the cluster CA (so it accepts the server) and its own (so NodeTls accepts its files).
        NodeTls intruder = TestPki.files(dir, "intruder", TestPki.node(otherCa, "worker-1"), otherCa, ca);
        assertRefused(intruder.channelBuilder("127.0.0.1", port).build());
    }

    @Test
    void clientInsistingOnCertificateFromAnotherCaIsRefused() throws Exception {
        // TLS clients normally offer only a certificate from a CA the server asks for; this one
        // presents its own regardless, so it is the server's check that refuses it.
        TestPki.Identity otherCa = TestPki.ca("other CA");
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port,
                insisting(TestPki.node(otherCa, "worker-1"), otherCa)).build());
        assertEquals(List.of(), peers);

        // the control: the same client with a certificate from the cluster CA gets through
        assertEquals(42, call(NettyChannelBuilder.forAddress("127.0.0.1", port, insisting(TestPki.node(ca, "worker-2"), ca)).build())
                .getVersion());
        assertEquals(List.of("CN=worker-2,O=Berth Test"), peers);
    }

    /** Client credentials that present {@code node}'s certificate whatever CAs the server asks for, and trust the cluster CA. */
    private ChannelCredentials insisting(TestPki.Identity node, TestPki.Identity issuer) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("node", node.key(), new char[0], new X509Certificate[]{node.cert(), issuer.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        X509ExtendedKeyManager real = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        X509ExtendedKeyManager insisting = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "node";
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "node";
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[]{"node"};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return real.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return real.getPrivateKey(alias);
            }
        };
        Path caFile = TestPki.writeCerts(dir.resolve("cluster-ca.pem"), ca.cert());
        return TlsChannelCredentials.newBuilder().keyManager(insisting).trustManager(caFile.toFile()).build();
    }

    @Test
    void plaintextClientIsRefused() {
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }

    @Test
    void clientRefusesServerFromAnotherCa() throws Exception {
        TestPki.Identity otherCa = TestPki.ca("other CA");
        NodeTls client = TestPki.files(dir, "worker", TestPki.node(otherCa, "worker-1"), otherCa);
        assertRefused(client.channelBuilder("127.0.0.1", port).build());
    }

    @Test
    void clientRefusesServerWhoseCertificateDoesNotNameTheAddressDialled() throws Exception {
        NodeTls client = TestPki.files(dir, "worker", TestPki.node(ca, "worker-1"), ca);
        // the server's certificate names 127.0.0.1 and localhost only
        assertRefused(client.channelBuilder("127.0.0.1", port).overrideAuthority("controller-9.example.com").build());
    }
}
