package dev.berth.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Berth cluster as separate processes on loopback: N controllers (a Raft group) on
 * 127.0.0.11.., M workers (each with its proxy) on 127.0.0.21.., K proxies on 127.0.0.31...
 * Every node has its own address, ports and data dir; a restart is the same process arguments
 * and data dir again, i.e. the same node coming back.
 */
public final class Cluster implements AutoCloseable {
    public static final String DOMAIN = "berth.localhost";

    public enum Role { CONTROLLER, WORKER, PROXY }

    /** How the cluster is built; {@link #defaults()} suits the end-to-end tests. */
    public record Options(int controllers, int workers, int proxies, boolean workerProxies, long snapshotEvery, List<String> jvmOptions) {
        public static Options defaults() {
            return new Options(3, 2, 2, true, 10_000, List.of());
        }

        public Options withSnapshotEvery(long n) {
            return new Options(controllers, workers, proxies, workerProxies, n, jvmOptions);
        }

        public Options withNodes(int c, int w, int p, boolean proxyOnWorkers) {
            return new Options(c, w, p, proxyOnWorkers, snapshotEvery, jvmOptions);
        }

        /** Appended to every node's JVM options (later ones win). */
        public Options withJvmOptions(List<String> more) {
            return new Options(controllers, workers, proxies, workerProxies, snapshotEvery, List.copyOf(more));
        }
    }

    /** JVM options of every node: small JVMs, and logs detailed enough to read after a failure. */
    private static final List<String> NODE_JVM_OPTIONS = Stream.concat(BerthProcess.SMALL_JVM_OPTIONS.stream(), Stream.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn",
            // Snapshot installs on a lagging follower are what the catch-up test looks for.
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis.server.impl.SnapshotInstallationHandler=info",
            "-Dorg.slf4j.simpleLogger.log.io.grpc=warn",
            "-Dorg.slf4j.simpleLogger.log.io.netty=warn")).toList();

    /** One node of the cluster: a role, an address, its ports and data dir, and its current process. */
    public final class Node {
        public final Role role;
        public final String id;
        public final String host;
        public final Path dataDir;
        /** Controllers: API, gRPC and Raft ports. Workers and proxies: the proxy's HTTP port. */
        public final int apiPort;
        public final int grpcPort;
        public final int raftPort;
        public final int httpPort;
        private List<String> args;
        private BerthProcess process;
        private int starts;

        Node(Role role, String id, String host) {
            this.role = role;
            this.id = id;
            this.host = host;
            this.dataDir = root.resolve(id);
            this.apiPort = role == Role.CONTROLLER ? Ports.free(host) : -1;
            this.grpcPort = role == Role.CONTROLLER ? Ports.free(host) : -1;
            this.raftPort = role == Role.CONTROLLER ? Ports.free(host) : -1;
            this.httpPort = role == Role.CONTROLLER || role == Role.WORKER && !options.workerProxies() ? -1 : Ports.free(host);
        }

        /** Starts the process (again, with the same arguments and data dir) without waiting for it. */
        public synchronized Node launch() {
            if (process != null && process.isAlive()) {
                throw new IllegalStateException(id + " is already running");
            }
            if (args == null) {
                args = arguments(this);
            }
            String logName = name + "-" + id + (starts == 0 ? "" : "-restart" + starts);
            starts++;
            try {
                Files.deleteIfExists(Path.of("target", "it-logs", logName + ".log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> jvm = new ArrayList<>(NODE_JVM_OPTIONS);
            jvm.addAll(options.jvmOptions());
            process = new BerthProcess(logName, jvm, args).start();
            return this;
        }

        /** Starts the process and waits until it does its job (API answers, worker registered, proxy listens). */
        public Node start() {
            launch();
            awaitUp();
            return this;
        }

        /** Controllers: until the API answers, leader or not (a controller alone has none). */
        public void awaitApi() {
            Eventually.until(id + " API answers", Duration.ofSeconds(90), () -> {
                assertAlive();
                return health(this).isPresent();
            });
        }

        /** The id a proxy on this node watches routes under (what a controller's /nodes/self lists). */
        public String proxyId() {
            return role == Role.WORKER ? id + "-proxy" : id;
        }

        public void awaitUp() {
            switch (role) {
                case CONTROLLER -> Eventually.until(id + " API answers with a known leader", Duration.ofSeconds(90), () -> {
                    assertAlive();
                    JsonNode h = health(this).orElse(null);
                    return h != null && !h.path("leader").isNull() && !h.path("leader").asText().isEmpty();
                });
                case WORKER -> {
                    Eventually.until(id + " registered and UP", Duration.ofSeconds(90), () -> {
                        assertAlive();
                        return workerStatus(id).map("UP"::equals).orElse(false);
                    });
                    if (options.workerProxies()) {
                        awaitListening();
                    }
                }
                case PROXY -> awaitListening();
            }
        }

        private void awaitListening() {
            Eventually.until(id + " proxy listens on " + host + ":" + httpPort, Duration.ofSeconds(90), () -> {
                assertAlive();
                try {
                    RawHttp.get(host, httpPort, "0000000000." + DOMAIN, "/");
                    return true;
                } catch (UncheckedIOException e) {
                    return false;
                }
            });
        }

        private void assertAlive() {
            if (!isAlive()) {
                throw new AssertionError(id + " exited:\n" + process.logTail());
            }
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** SIGTERM and wait. */
        public void stop() {
            if (process != null) {
                process.stop();
            }
        }

        /** SIGKILL: no shutdown hook runs, nothing is said to peers, containers stay. */
        public void kill() {
            if (process != null) {
                process.kill();
            }
        }

        public BerthProcess process() {
            return process;
        }

        public String api() {
            return "http://" + host + ":" + apiPort + "/api/v1";
        }

        public String grpc() {
            return host + ":" + grpcPort;
        }

        /** GET / with the given Host header through this node's proxy. */
        public RawHttp.Response get(String hostHeader) {
            return RawHttp.get(host, httpPort, hostHeader, "/");
        }

        @Override
        public String toString() {
            return id + "@" + host;
        }
    }

    private final String name;
    private final Path root;
    private final Options options;
    /** Unique per cluster, so worker ids (and the container labels derived from them) never collide with another run's. */
    public final String tag = UUID.randomUUID().toString().substring(0, 6);
    public final List<Node> controllers = new ArrayList<>();
    public final List<Node> workers = new ArrayList<>();
    public final List<Node> proxies = new ArrayList<>();

    public Cluster(String name, Path root, Options options) {
        this.name = name;
        this.root = root;
        this.options = options;
        if (options.controllers() > 9 || options.workers() > 9 || options.proxies() > 9) {
            throw new IllegalArgumentException("at most 9 nodes of each role");
        }
        for (int i = 1; i <= options.controllers(); i++) {
            controllers.add(new Node(Role.CONTROLLER, "c" + i, "127.0.0.1" + i));
        }
        for (int i = 1; i <= options.workers(); i++) {
            workers.add(new Node(Role.WORKER, "it-" + tag + "-w" + i, "127.0.0.2" + i));
        }
        for (int i = 1; i <= options.proxies(); i++) {
            proxies.add(new Node(Role.PROXY, "p" + i, "127.0.0.3" + i));
        }
    }

    private List<String> arguments(Node n) {
        String grpcs = controllers.stream().map(Node::grpc).collect(Collectors.joining(","));
        return switch (n.role) {
            case CONTROLLER -> List.of("controller", "--id", n.id,
                    "--peers", controllers.stream().map(c -> c.id + "=" + c.host + ":" + c.raftPort).collect(Collectors.joining(",")),
                    "--api", n.host + ":" + n.apiPort,
                    "--grpc", n.grpc(),
                    "--data-dir", n.dataDir.toString(),
                    "--domain", DOMAIN,
                    "--snapshot-every", Long.toString(options.snapshotEvery()));
            // Containers' ports are published on the worker's own address, as on a real host.
            case WORKER -> options.workerProxies()
                    ? List.of("worker", "--id", n.id, "--controllers", grpcs, "--advertise", n.host,
                            "--http", n.host + ":" + n.httpPort, "--data-dir", n.dataDir.toString())
                    : List.of("worker", "--id", n.id, "--controllers", grpcs, "--advertise", n.host,
                            "--no-proxy", "--data-dir", n.dataDir.toString());
            case PROXY -> List.of("proxy", "--id", n.id, "--controllers", grpcs,
                    "--http", n.host + ":" + n.httpPort, "--data-dir", n.dataDir.toString());
        };
    }

    /** Starts every node: controllers first (together, as a Raft group must), then workers, then proxies. */
    public Cluster start() {
        controllers.forEach(Node::launch);
        controllers.forEach(Node::awaitUp);
        workers.forEach(Node::launch);
        proxies.forEach(Node::launch);
        workers.forEach(Node::awaitUp);
        proxies.forEach(Node::awaitUp);
        return this;
    }

    /**
     * Restarts whatever a test left stopped or killed, so the next test finds the whole cluster,
     * and waits until restarted controllers have caught up with the leader and restarted
     * workers are UP.
     */
    public void ensureAllUp() {
        List<Node> down = all().filter(n -> !n.isAlive()).toList();
        down.forEach(Node::launch);
        down.forEach(Node::awaitUp);
        if (!down.isEmpty()) {
            awaitLeader(Duration.ofSeconds(60));
            for (Node c : down) {
                if (c.role == Role.CONTROLLER) {
                    awaitCaughtUp(c, Duration.ofSeconds(60));
                }
            }
        }
    }

    /** {@code GET /nodes/self} of one controller: its Raft status, route version and the proxies watching it. */
    public static Optional<JsonNode> self(Node controller) {
        try {
            Http.Reply r = Http.get(controller.api() + "/nodes/self");
            return r.status() == 200 ? Optional.of(r.json()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public static long appliedIndex(Node controller) {
        return self(controller).map(s -> s.at("/controller/appliedIndex").asLong(-1)).orElse(-1L);
    }

    /** Waits until the controller has applied everything the leader had committed when this was called. */
    public void awaitCaughtUp(Node controller, Duration within) {
        Node leader = awaitLeader(within);
        long target = self(leader).map(s -> s.at("/controller/commitIndex").asLong()).orElseThrow();
        Eventually.until(controller.id + " applied up to " + target, within, () -> appliedIndex(controller) >= target);
    }

    public Stream<Node> all() {
        return Stream.of(controllers, workers, proxies).flatMap(List::stream);
    }

    /** Every node that routes: the proxies and every worker's proxy. */
    public List<Node> routers() {
        return options.workerProxies() ? Stream.concat(proxies.stream(), workers.stream()).toList() : List.copyOf(proxies);
    }

    public List<Node> liveControllers() {
        return controllers.stream().filter(Node::isAlive).toList();
    }

    public Node controller(String id) {
        return controllers.stream().filter(c -> c.id.equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(id));
    }

    /** {@code GET /health} of one controller, or empty if it does not answer. */
    public static Optional<JsonNode> health(Node controller) {
        try {
            Http.Reply r = Http.get(controller.api() + "/health");
            return r.status() == 200 ? Optional.of(r.json()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The leader as the live controllers see it: the one a controller that calls itself LEADER is. */
    public Optional<Node> leader() {
        for (Node c : liveControllers()) {
            Optional<JsonNode> h = health(c);
            if (h.isPresent() && "LEADER".equals(h.get().path("role").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Waits until some live controller is leader and every live controller names it. */
    public Node awaitLeader(Duration within) {
        return Eventually.await("a leader every live controller agrees on", within, () -> {
            Optional<Node> l = leader();
            if (l.isEmpty()) {
                return null;
            }
            for (Node c : liveControllers()) {
                Optional<JsonNode> h = health(c);
                if (h.isEmpty() || !l.get().id.equals(h.get().path("leader").asText())) {
                    return null;
                }
            }
            return l.get();
        }, Objects::nonNull);
    }

    /** The API of some live controller (the first that answers). */
    public String api() {
        for (Node c : liveControllers()) {
            if (health(c).isPresent()) {
                return c.api();
            }
        }
        throw new AssertionError("no controller answers");
    }

    public Optional<String> workerStatus(String workerId) {
        for (Node c : liveControllers()) {
            try {
                Http.Reply r = Http.get(c.api() + "/nodes");
                if (r.status() != 200) {
                    continue;
                }
                for (JsonNode w : r.json().path("workers")) {
                    if (workerId.equals(w.path("id").asText())) {
                        return Optional.of(w.path("status").asText());
                    }
                }
                return Optional.empty();
            } catch (RuntimeException e) {
                // try the next controller
            }
        }
        return Optional.empty();
    }

    public void applyTemplate(String json) {
        Http.Reply r = Http.post(api() + "/templates", json);
        if (r.status() != 200 && r.status() != 201) {
            throw new AssertionError("template refused: " + r);
        }
    }

    public JsonNode launch(String template, String owner) {
        return launch(api(), template, owner);
    }

    public static JsonNode launch(String api, String template, String owner) {
        Http.Reply r = Http.post(api + "/instances", "{\"template\":\"" + template + "\",\"owner\":\"" + owner + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("launch refused by " + api + ": " + r);
        }
        return r.json();
    }

    public JsonNode instance(String id) {
        Http.Reply r = Http.get(api() + "/instances/" + id);
        if (r.status() != 200) {
            // A follower answers 404 until it has applied the launch it forwarded: retried by awaitState.
            throw new IllegalStateException("GET instance " + id + ": " + r);
        }
        return r.json();
    }

    public JsonNode awaitState(String id, String state, Duration within) {
        return Eventually.await("instance " + id + " " + state, within, () -> instance(id),
                n -> state.equals(n.path("state").asText()));
    }

    public void stopInstance(String id) {
        Http.Reply r = Http.post(api() + "/instances/" + id + "/stop", null);
        if (r.status() != 200) {
            throw new AssertionError("stop " + id + " refused: " + r);
        }
    }

    /** Waits until every live router serves the hostname (200 with the instance's own page). */
    public void awaitRoutedEverywhere(String id, String hostname, Duration within) {
        for (Node r : routers()) {
            if (r.isAlive()) {
                Eventually.until(id + " routed by " + r, within, () -> {
                    RawHttp.Response resp = r.get(hostname);
                    return resp.status() == 200 && resp.body().contains("instance: " + id);
                });
            }
        }
    }

    /** Stops every node (proxies first, controllers last) and removes every container of this cluster's workers. */
    @Override
    public void close() {
        List<Node> order = new ArrayList<>(proxies);
        order.addAll(workers);
        order.addAll(controllers);
        // Data-plane nodes go first, so none of them reports a half-stopped control plane.
        order.parallelStream().filter(n -> n.role != Role.CONTROLLER).forEach(Node::stop);
        controllers.parallelStream().forEach(Node::stop);
        for (Node w : workers) {
            Docker.removeWorkerContainers(w.id);
        }
    }

    /** Container counts per worker, for messages. */
    public Map<String, List<String>> containersByWorker() {
        return workers.stream().collect(Collectors.toMap(w -> w.id, w -> Docker.containers("berth.worker=" + w.id)));
    }
}
