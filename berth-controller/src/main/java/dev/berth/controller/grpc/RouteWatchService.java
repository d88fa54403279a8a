package dev.berth.controller.grpc;

import dev.berth.controller.cluster.NodeDirectory;
import dev.berth.controller.state.StateChange;
import dev.berth.controller.store.StateStore;
import dev.berth.protocol.routes.RouteProtos;
import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the versioned route table to proxies: the full table or just the deltas a proxy
 * missed, then every later delta, with no gap and in log order. Any controller can serve any
 * proxy because versions are Raft log indexes. The table includes the serving certificates of
 * the proxies' HTTPS entrypoints (private keys too: run this over mutual TLS off the host).
 */
public final class RouteWatchService extends RouteServiceGrpc.RouteServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(RouteWatchService.class);
    private static final int HISTORY = 4096;

    private final StateStore store;
    private final RouteHistory history;
    private final java.util.Map<String, NodeDirectory.Watcher> watchers = new java.util.concurrent.ConcurrentHashMap<>();


    public RouteWatchService(StateStore store) {
        this.store = store;
        long start = store.read(s -> s.routeVersion());
        this.history = new RouteHistory(HISTORY, start);
        store.readAndSubscribe(s -> null, history);
    }

    /** Proxies watching this controller now, for `berth nodes`. */
    public java.util.List<NodeDirectory.Watcher> watchers() {
        return java.util.List.copyOf(watchers.values());
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<RouteUpdate> observer) {
        String proxyId = request.getProxyId().isBlank() ? "anonymous" : request.getProxyId();
        long connectedAt = System.currentTimeMillis();
        StreamSender<RouteUpdate> sender = new StreamSender<>("route-watch-" + proxyId, observer) {
            @Override
            void send(RouteUpdate update) {
                super.send(update);
                watchers.put(proxyId, new NodeDirectory.Watcher(proxyId, update.getVersion(), connectedAt));
            }
        };
        watchers.put(proxyId, new NodeDirectory.Watcher(proxyId, request.getFromVersion(), connectedAt));
        // The version the initial messages bring the proxy to; set under the state lock before any delta can arrive.
        AtomicLong base = new AtomicLong();
        Consumer<StateChange> listener = change -> {
            if (change.reset()) {
                RouteUpdate full = store.read(s -> RouteProtos.fullUpdate(s.routeVersion(), s.routes(), s.certificates()));
                base.set(full.getVersion());
                sender.send(full);
                return;
            }
            if (!change.routes().isEmpty() && change.routes().version() > base.get()) {
                sender.send(RouteMessages.delta(change.routes()));
            }
        };
        List<RouteUpdate> first = store.readAndSubscribe(state -> {
            long from = request.getFromVersion();
            base.set(state.routeVersion());
            List<RouteUpdate> updates = new ArrayList<>();
            var missed = from > 0 && from <= state.routeVersion() ? history.since(from) : java.util.Optional.<List<StateChange.RouteDelta>>empty();
            if (missed.isPresent()) {
                missed.get().forEach(d -> updates.add(RouteMessages.delta(d)));
            } else {
                updates.add(RouteProtos.fullUpdate(state.routeVersion(), state.routes(), state.certificates()));
            }
            return updates;
        }, listener);
        first.forEach(sender::send);
        LOG.info("proxy {} watches routes from version {} ({} initial updates)", request.getProxyId(), request.getFromVersion(), first.size());
        if (observer instanceof ServerCallStreamObserver<RouteUpdate> call) {
            call.setOnCancelHandler(() -> {
                watchers.remove(proxyId);
                store.unsubscribe(listener);
                sender.close();
            });
        }
    }
}
