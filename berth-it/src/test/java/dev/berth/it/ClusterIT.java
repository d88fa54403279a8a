package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.it.support.Cluster;
import dev.berth.it.support.Cluster.Node;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Http;
import dev.berth.it.support.Load;
import dev.berth.it.support.RawHttp;
import dev.berth.it.support.Templates;
import dev.berth.model.json.BerthJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth as a cluster of separate processes on loopback: 3 controllers (Raft), 2 workers (each
 * with its proxy) and 2 proxies, on real Docker, with nodes killed and stopped under it. One
 * cluster is shared by the tests; each test leaves it whole again (or the next one's
 * {@link #wholeCluster()} restarts what is down, same arguments and data dir).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    @TempDir
    static Path data;
    static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        // Snapshots every 20 entries, so that a controller that misses a few dozen changes is far behind.
        cluster = new Cluster("cluster-it", data.resolve("cluster"), Cluster.Options.defaults().withSnapshotEvery(20));
        try {
            cluster.start();
            cluster.applyTemplate(Templates.whoami("whoami", "30m", "2h"));
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster.workers.forEach(w -> assertEquals(List.of(), Docker.containers("berth.worker=" + w.id), "containers of " + w.id + " left"));
        }
    }

    /** Instances the current test launched: stopped after it, so the 2-core machine does not carry them all along. */
    static final List<String> launchedHere = new ArrayList<>();

    @BeforeEach
    void wholeCluster() {
        cluster.ensureAllUp();
        launchedHere.clear();
    }

    @AfterEach
    void stopWhatTheTestLaunched() {
        for (String id : launchedHere) {
            try {
                Http.post(cluster.api() + "/instances/" + id + "/stop", null);
            } catch (RuntimeException | AssertionError e) {
                // best effort: a later test's ensureAllUp and the final clean-up cover the rest
            }
        }
    }

    /** Launches through the API, waits for READY and for every live router to serve it. */
    private static JsonNode launchServed(String owner) {
        return launchServed(cluster.api(), owner);
    }

    private static JsonNode launchServed(String api, String owner) {
        JsonNode launched = Cluster.launch(api, "whoami", owner);
        String id = launched.get("id").asText();
        launchedHere.add(id);
        JsonNode ready = cluster.awaitState(id, "READY", Duration.ofSeconds(60));
        cluster.awaitRoutedEverywhere(id, ready.get("hostname").asText(), Duration.ofSeconds(20));
        return ready;
    }

    private static Load.Target target(Node router) {
        return new Load.Target(router.host, router.httpPort);
    }

    @Test
    @Order(1)
    void leaderKilledUnderLoadLosesNoProxiedRequestAndANewLeaderLaunches() throws Exception {
        JsonNode instance = launchServed("team-failover");
        String id = instance.get("id").asText();
        Node leader = cluster.awaitLeader(Duration.ofSeconds(30));
        List<Node> survivors = cluster.controllers.stream().filter(c -> c != leader).toList();

        Load load = new Load(cluster.proxies.stream().map(ClusterIT::target).toList(), instance.get("hostname").asText(),
                "instance: " + id, 3, 3000, Duration.ofSeconds(20)).start();
        Eventually.until("load under way", Duration.ofSeconds(10), () -> load.completed() >= 100);

        long killedAt = System.nanoTime();
        leader.kill();
        int doneAtKill = load.completed();

        // Launch through a surviving controller until one is accepted (the first tries may fall in the election).
        JsonNode relaunched = null;
        List<String> refusals = new ArrayList<>();
        long deadline = killedAt + Duration.ofSeconds(60).toNanos();
        while (relaunched == null && System.nanoTime() < deadline) {
            for (Node c : survivors) {
                try {
                    Http.Reply r = Http.post(c.api() + "/instances", "{\"template\":\"whoami\",\"owner\":\"team-after-failover\"}");
                    if (r.status() == 201) {
                        relaunched = r.json();
                        break;
                    }
                    refusals.add(c.id + ": " + r.status() + " " + r.body());
                } catch (RuntimeException e) {
                    refusals.add(c.id + ": " + e);
                }
            }
            if (relaunched == null) {
                Thread.sleep(50);
            }
        }
        long launchedAt = System.nanoTime();
        if (relaunched != null) {
            launchedHere.add(relaunched.get("id").asText());
        }
        assertTrue(relaunched != null, "no launch accepted by " + survivors + " within 60 s of the leader's death: " + refusals);
        Node newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
        assertNotEquals(leader.id, newLeader.id, "a surviving controller leads");
        System.out.printf("[ClusterIT] leader %s killed; first launch accepted %d ms later (%d refused tries); new leader %s%n",
                leader.id, (launchedAt - killedAt) / 1_000_000, refusals.size(), newLeader.id);

        load.await();
        System.out.println("[ClusterIT] load across the leader kill: " + load.summary() + "; " + doneAtKill + " done before the kill");
        assertTrue(load.completed() > doneAtKill + 100, "the load ran on after the kill: " + load.summary());
        assertEquals(0, load.failed(), load.summary());

        String newId = relaunched.get("id").asText();
        JsonNode ready = cluster.awaitState(newId, "READY", Duration.ofSeconds(60));
        cluster.awaitRoutedEverywhere(newId, ready.get("hostname").asText(), Duration.ofSeconds(20));
        assertEquals("READY", cluster.instance(id).get("state").asText(), "the first instance is untouched");
    }

    @Test
    @Order(2)
    void routesOutliveTheControlPlaneAProxyRestartAndALaggingControllerComingBackFirst() {
        // One controller goes first and misses the launch: when the control plane comes back, it comes back first.
        Node leader = cluster.awaitLeader(Duration.ofSeconds(30));
        Node lagging = cluster.controllers.stream().filter(c -> c != leader).findFirst().orElseThrow();
        lagging.stop();
        JsonNode instance = launchServed("team-outage");
        String id = instance.get("id").asText();
        String hostname = instance.get("hostname").asText();

        cluster.controllers.parallelStream().forEach(Node::stop);
        assertTrue(cluster.controllers.stream().noneMatch(Node::isAlive));

        // Every proxy (standalone and on the workers) keeps serving for a while with no controller.
        for (int round = 0; round < 10; round++) {
            for (Node router : cluster.routers()) {
                assertServes(router, hostname, id, "with every controller down");
            }
            sleep(300);
        }

        // A proxy restarted while no controller answers routes from its disk cache.
        Node proxy = cluster.proxies.get(0);
        proxy.stop();
        assertFalse(proxy.isAlive());
        proxy.start();
        assertServes(proxy, hostname, id, "as the restarted proxy's first answer");
        assertEquals(404, proxy.get("0000000000." + Cluster.DOMAIN).status(), "unknown hosts still 404");
        for (int i = 0; i < 20; i++) {
            assertServes(proxy, hostname, id, "request " + i + " after the restart");
        }

        // The controller that missed the launch comes back alone (no quorum, so it cannot catch up):
        // proxies that reconnect to it must not trade their newer table for its older one.
        lagging.launch();
        long aloneSince = System.nanoTime();
        lagging.awaitApi();
        List<String> routerIds = cluster.routers().stream().map(Node::proxyId).toList();
        Eventually.until("every proxy watches " + lagging.id, Duration.ofSeconds(60), () -> {
            List<String> watching = new ArrayList<>();
            Cluster.self(lagging).ifPresent(s -> s.path("proxies").forEach(p -> watching.add(p.path("proxyId").asText())));
            return watching.containsAll(routerIds);
        });
        sleep(500);
        for (Node router : cluster.routers()) {
            assertServes(router, hostname, id, "while watching " + lagging.id + ", which is behind");
        }
        // Alone for longer than its Raft client retries a command (the workers' registrations and
        // lease renewals it proposes): it must still commit once the others are back.
        long alone = Duration.ofNanos(System.nanoTime() - aloneSince).toMillis();
        if (alone < 40_000) {
            sleep(40_000 - alone);
        }
        long aloneFor = Duration.ofNanos(System.nanoTime() - aloneSince).toSeconds();

        // The rest of the control plane comes back: no proxy drops the route meanwhile, and the cluster works again.
        Load load = new Load(cluster.routers().stream().map(ClusterIT::target).toList(), hostname, "instance: " + id,
                2, 3000, Duration.ofSeconds(60)).start();
        try {
            cluster.controllers.stream().filter(c -> !c.isAlive()).forEach(Node::launch);
            cluster.controllers.forEach(Node::awaitUp);
            Node newLeader = cluster.awaitLeader(Duration.ofSeconds(60));
            long leaderSince = System.nanoTime();
            cluster.awaitCaughtUp(lagging, Duration.ofSeconds(60));
            // Every worker streams to a controller again and has its lease renewed (not just a stale UP).
            for (Node w : cluster.workers) {
                Eventually.until(w.id + " renews its lease again", Duration.ofSeconds(30), () -> leaseLeftMillis(newLeader, w.id) > 5_000);
            }
            JsonNode after = launchServed(lagging.api(), "team-after-outage");
            assertEquals("READY", after.get("state").asText());
            // A new leader judges leases one lease period (10 s) after it took over: nothing may be lost then.
            long waited = Duration.ofNanos(System.nanoTime() - leaderSince).toMillis();
            if (waited < 13_000) {
                sleep(13_000 - waited);
            }
            for (Node w : cluster.workers) {
                assertEquals("UP", cluster.workerStatus(w.id).orElseThrow(), w.id + " after a lease period under the new leader");
            }
        } finally {
            load.stop();
        }
        String lagLog = readLog(lagging);
        System.out.println("[ClusterIT] " + lagging.id + " alone " + aloneFor + " s before the others came back; its Raft client " + (lagLog.contains("replaced it by") ? "was closed by Ratis and replaced" : "was not closed"));
        System.out.println("[ClusterIT] load while the controllers came back: " + load.summary());
        assertEquals(0, load.failed(), load.summary());
        assertEquals("READY", cluster.instance(id).get("state").asText(), "the instance survived the outage");
    }

    /** The worker's lease as the given controller sees it: milliseconds until it lapses (negative once lapsed). */
    private static long leaseLeftMillis(Node controller, String workerId) {
        for (JsonNode w : Http.get(controller.api() + "/nodes").json().path("workers")) {
            if (workerId.equals(w.path("id").asText())) {
                return w.path("leaseExpiresInMillis").asLong(Long.MIN_VALUE);
            }
        }
        return Long.MIN_VALUE;
    }

    private static void assertServes(Node router, String hostname, String id, String when) {
        RawHttp.Response r = router.get(hostname);
        assertEquals(200, r.status(), hostname + " through " + router + " " + when + ": " + r.body());
        assertTrue(r.body().contains("instance: " + id), r.body());
    }

    @Test
    @Order(3)
    void laggingControllerCatchesUpAndServesTheSameState() {
        Node leader = cluster.awaitLeader(Duration.ofSeconds(30));
        Node lagging = cluster.controllers.stream().filter(c -> c != leader).findFirst().orElseThrow();
        long laggingAt = Cluster.appliedIndex(lagging);
        lagging.stop();

        // Enough changes for several snapshots (every 20 entries) while it is away.
        for (int i = 0; i < 40; i++) {
            cluster.applyTemplate(Templates.whoami("lag-" + i, "30m", "2h"));
        }
        for (int i = 0; i < 10; i++) {
            Http.Reply r = Http.call("DELETE", cluster.api() + "/templates/lag-" + i, null);
            assertEquals(204, r.status(), r.body());
        }
        for (int i = 20; i < 30; i++) {
            cluster.applyTemplate(Templates.whoami("lag-" + i, "10m", "1h"));
        }
        List<String> launched = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            launched.add(cluster.launch("lag-39", "team-lag-" + i).get("id").asText());
        }
        for (String id : launched) {
            cluster.awaitState(id, "READY", Duration.ofSeconds(60));
            cluster.stopInstance(id);
        }
        for (String id : launched) {
            cluster.awaitState(id, "STOPPED", Duration.ofSeconds(60));
        }
        long appliedWithoutIt = Cluster.appliedIndex(leader);

        lagging.start();
        Map<String, String> views = Eventually.await("every controller shows the same instances and templates",
                Duration.ofSeconds(60), ClusterIT::stateViews, v -> v.values().stream().distinct().count() == 1);
        String agreed = views.get(lagging.id);
        assertTrue(agreed.contains("\"lag-39\"") && agreed.contains("\"lag-10\"") && !agreed.contains("\"lag-9\""), "the agreed state has the changes");
        JsonNode templates = Http.get(lagging.api() + "/templates").json();
        ObjectNode lag25 = template(templates, "lag-25");
        ObjectNode lag35 = template(templates, "lag-35");
        lag25.remove("name");
        lag35.remove("name");
        assertNotEquals(lag35, lag25, "the later replacement of lag-25 (another ttl) is what the restarted controller has");
        for (String id : launched) {
            assertEquals("STOPPED", Http.get(lagging.api() + "/instances/" + id).json().get("state").asText());
        }
        assertTrue(Cluster.appliedIndex(lagging) >= appliedWithoutIt, "applied as far as the leader had gone without it");

        // BerthStateMachine logs "installed snapshot from the leader" when Ratis hands it one.
        List<String> loads = readLog(lagging).lines().filter(l -> l.contains("installed snapshot from the leader")).toList();
        long firstKept = firstRetainedLogIndex(leader);
        boolean purged = firstKept > laggingAt + 1;
        System.out.printf("[ClusterIT] restarted %s (stopped at index %d) caught up to %d; the leader's log starts at %d (%s); snapshot loads on %s: %s%n",
                lagging.id, laggingAt, appliedWithoutIt, firstKept, purged ? "purged past it" : "NOT purged: caught up by log replay",
                lagging.id, loads);
        // With --snapshot-every 20 the leader purges its log behind each snapshot, so what the
        // restarted controller missed no longer exists as log entries: it must have installed a snapshot.
        assertTrue(purged, "the leader's log was purged past the restarted controller's index " + laggingAt + " (starts at " + firstKept + ")");
        assertTrue(loads.size() >= 1, "the restarted controller was sent a snapshot: " + loads + "; see " + lagging.process().log());
    }

    @Test
    @Order(4)
    void killedWorkersInstancesAreLostAndUnroutedWhileTheOtherWorkerServes() {
        // Placement goes to the least loaded worker: launch until both have some of this test's instances.
        Map<String, List<JsonNode>> byWorker = new LinkedHashMap<>();
        for (int i = 0; i < 10 && !(byWorker.containsKey(cluster.workers.get(0).id) && byWorker.containsKey(cluster.workers.get(1).id)
                && byWorker.values().stream().mapToInt(List::size).sum() >= 4); i++) {
            JsonNode ready = launchServed("team-worker-" + i);
            byWorker.computeIfAbsent(ready.get("workerId").asText(), k -> new ArrayList<>()).add(ready);
        }
        assertEquals(2, byWorker.size(), "placement spread over both workers: " + byWorker.keySet());
        Node victim = cluster.workers.get(0);
        Node survivor = cluster.workers.get(1);
        List<JsonNode> lost = byWorker.get(victim.id);
        List<JsonNode> kept = byWorker.get(survivor.id);
        List<String> victimContainers = Docker.runningContainers("berth.worker=" + victim.id);
        try {
            long killedAt = System.nanoTime();
            victim.kill();
            assertEquals(victimContainers, Docker.runningContainers("berth.worker=" + victim.id), "a dead worker's containers keep running");

            for (JsonNode i : lost) {
                JsonNode n = cluster.awaitState(i.get("id").asText(), "LOST", Duration.ofSeconds(60));
                assertTrue(n.get("reason").asText().contains(victim.id), n.toString());
            }
            System.out.printf("[ClusterIT] worker %s killed; its %d instances LOST after %d ms%n", victim.id, lost.size(),
                    (System.nanoTime() - killedAt) / 1_000_000);
            assertEquals("DOWN", cluster.workerStatus(victim.id).orElseThrow());

            List<Node> liveRouters = cluster.routers().stream().filter(Node::isAlive).toList();
            assertEquals(3, liveRouters.size());
            for (JsonNode i : lost) {
                for (Node r : liveRouters) {
                    Eventually.until(i.get("id").asText() + " unrouted by " + r, Duration.ofSeconds(15),
                            () -> r.get(i.get("hostname").asText()).status() == 404);
                }
            }
            for (JsonNode i : kept) {
                String id = i.get("id").asText();
                assertEquals("READY", cluster.instance(id).get("state").asText(), "the other worker's instance is untouched");
                for (Node r : liveRouters) {
                    RawHttp.Response resp = r.get(i.get("hostname").asText());
                    assertEquals(200, resp.status(), id + " through " + r);
                    assertTrue(resp.body().contains("instance: " + id), resp.body());
                }
            }
            assertEquals("UP", cluster.workerStatus(survivor.id).orElseThrow());
        } finally {
            Docker.removeWorkerContainers(victim.id);
        }
    }

    /** Each live controller's instances and templates, rendered the same way, by controller id. */
    private static Map<String, String> stateViews() {
        Map<String, String> views = new LinkedHashMap<>();
        for (Node c : cluster.controllers) {
            JsonNode instances = Http.get(c.api() + "/instances").json();
            List<JsonNode> sorted = new ArrayList<>();
            instances.forEach(i -> {
                ObjectNode copy = ((ObjectNode) i).deepCopy();
                copy.remove("remainingSeconds"); // computed from each controller's clock at the time of the request
                sorted.add(copy);
            });
            sorted.sort(Comparator.comparing(i -> i.get("id").asText()));
            ArrayNode normalized = BerthJson.json().createArrayNode().addAll(sorted);
            JsonNode templates = Http.get(c.api() + "/templates").json();
            views.put(c.id, normalized + "\n" + templates);
        }
        return views;
    }

    /** The first log index the controller's Raft log still holds on disk (segments log_<first>-<last>, log_inprogress_<first>). */
    private static long firstRetainedLogIndex(Node controller) {
        try (Stream<Path> files = Files.walk(controller.dataDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("log_(inprogress_)?\\d+(-\\d+)?"))
                    .mapToLong(n -> Long.parseLong(n.replace("log_inprogress_", "").replace("log_", "").split("-")[0]))
                    .min().orElse(-1);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1; // a segment purged while listing: ask again
        }
    }

    private static String readLog(Node n) {
        try {
            return Files.readString(n.process().log());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode template(JsonNode templates, String name) {
        return StreamSupport.stream(templates.spliterator(), false).filter(t -> name.equals(t.path("name").asText()))
                .map(t -> ((ObjectNode) t).deepCopy()).findFirst().orElseThrow(() -> new AssertionError("no template " + name + " in " + templates));
    }
}
