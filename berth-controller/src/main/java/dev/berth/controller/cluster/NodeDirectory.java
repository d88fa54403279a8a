package dev.berth.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.controller.store.RaftStatus;
import dev.berth.controller.store.StateStore;
import dev.berth.model.ControllerInfo;
import dev.berth.model.Instance;
import dev.berth.model.WorkerInfo;
import dev.berth.model.json.BerthJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What `berth nodes` shows: every controller's Raft view (asked over its API, so a controller
 * that is down shows as unreachable), every worker's lease and load, and every proxy's route
 * version and lag, gathered from the controllers they stream from.
 */
public final class NodeDirectory {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);

    public record Watcher(String proxyId, long version, long connectedAt) {
    }

    public record SelfView(RaftStatus controller, long routeVersion, List<Watcher> proxies) {
    }

    public record ControllerView(String nodeId, String apiUrl, boolean reachable, String role, long term,
                                 String leaderId, long appliedIndex, long commitIndex) {
    }

    public record WorkerView(String id, String address, String status, int capacity, int instances, long leaseExpiresInMillis) {
    }

    public record ProxyView(String id, String controller, long version, long lag) {
    }

    public record NodesView(long routeVersion, List<ControllerView> controllers, List<WorkerView> workers, List<ProxyView> proxies) {
    }

    private final StateStore store;
    private final Supplier<List<Watcher>> localWatchers;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();

    private final String apiToken;

    /** @param apiToken the cluster's API token, sent to peers; null when the API is open */
    public NodeDirectory(StateStore store, Supplier<List<Watcher>> localWatchers, Clock clock, String apiToken) {
        this.apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
        this.store = store;
        this.localWatchers = localWatchers;
        this.clock = clock;
    }

    public SelfView self() {
        return new SelfView(store.status(), store.read(s -> s.routeVersion()), localWatchers.get());
    }

    public NodesView nodes() {
        RaftStatus me = store.status();
        Map<String, ControllerInfo> registered = new HashMap<>();
        store.read(s -> s.controllers()).forEach(c -> registered.put(c.id(), c));
        Map<String, CompletableFuture<SelfView>> views = new HashMap<>();
        for (RaftStatus.Peer peer : me.peers()) {
            ControllerInfo info = registered.get(peer.id());
            views.put(peer.id(), peer.id().equals(me.nodeId()) ? CompletableFuture.completedFuture(self())
                    : info == null ? CompletableFuture.completedFuture(null) : fetch(info.apiUrl()));
        }
        long routeVersion = store.read(s -> s.routeVersion());
        List<ControllerView> controllers = new ArrayList<>();
        List<ProxyView> proxies = new ArrayList<>();
        for (RaftStatus.Peer peer : me.peers()) {
            SelfView v = views.get(peer.id()).exceptionally(e -> null).join();
            String apiUrl = registered.containsKey(peer.id()) ? registered.get(peer.id()).apiUrl() : null;
            if (v == null) {
                controllers.add(new ControllerView(peer.id(), apiUrl, false, "UNREACHABLE", 0, null, 0, 0));
                continue;
            }
            RaftStatus s = v.controller();
            controllers.add(new ControllerView(s.nodeId(), apiUrl, true, s.role(), s.term(), s.leaderId(), s.appliedIndex(), s.commitIndex()));
            for (Watcher w : v.proxies()) {
                proxies.add(new ProxyView(w.proxyId(), s.nodeId(), w.version(), Math.max(0, routeVersion - w.version())));
            }
        }
        long now = clock.millis();
        List<WorkerView> workers = store.read(s -> {
            Map<String, Integer> load = new HashMap<>();
            for (Instance i : s.instances()) {
                if (!i.state().isTerminal()) {
                    load.merge(i.workerId(), 1, Integer::sum);
                }
            }
            List<WorkerView> out = new ArrayList<>();
            for (WorkerInfo w : s.workers()) {
                out.add(new WorkerView(w.id(), w.address(), w.status().name(), w.capacity(),
                        load.getOrDefault(w.id(), 0), w.leaseExpiresAt() - now));
            }
            return out;
        });
        return new NodesView(routeVersion, controllers, workers, proxies);
    }

    private CompletableFuture<SelfView> fetch(String apiUrl) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/nodes/self")).timeout(PEER_TIMEOUT).GET();
        if (apiToken != null) {
            b.header("Authorization", "Bearer " + apiToken);
        }
        HttpRequest request = b.build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) {
                return null;
            }
            try {
                JsonNode n = BerthJson.json().readTree(r.body());
                return BerthJson.json().treeToValue(n, SelfView.class);
            } catch (Exception e) {
                return null;
            }
        });
    }
}
