package dev.berth.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.it.support.Cluster;
import dev.berth.it.support.Cluster.Node;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Http;
import dev.berth.it.support.RawHttp;
import dev.berth.it.support.Templates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Route propagation: how long after the API first shows an instance READY it is routed by every
 * proxy. A cluster of 3 controllers, 1 worker (with its proxy off, so the 2 routers are the
 * dedicated proxies) and 2 proxies as separate processes on loopback; N launches one after the
 * other; for each, the leader's API is polled until READY, then both proxies are polled with the
 * instance's Host as fast as they answer until each returns the instance's page.
 *
 * <p>Beside it, the peer figure: etcd's watch propagation of a put to 2 watchers, on a 3-member
 * etcd cluster on the same loopback (when {@code etcd} is installed).
 *
 * <p>Not a test: run it with {@code scripts/bench-route-latency.sh}, which writes the results into
 * docs/benchmarks.md. Arguments: [path of docs/benchmarks.md to update]; system properties
 * {@code launches} (default 100) and {@code puts} (default 200).
 */
public final class RouteLatencyBench {
    static final String SECTION = "## Route propagation: READY → routed on every proxy";
    private static final int WARMUP = 5;

    /** One launch: times in nanoTime except the epoch-millisecond ones. */
    record Launch(String id, long readySeenNanos, long routedP1Nanos, long routedP2Nanos, long readyAtMillis, long routedEpochMillis) {
        long readyToBoth() {
            return Math.max(routedP1Nanos, routedP2Nanos) - readySeenNanos;
        }
    }

    public static void main(String[] args) throws Exception {
        int launches = Integer.getInteger("launches", 100);
        int puts = Integer.getInteger("puts", 200);
        Path doc = args.length > 0 ? Path.of(args[0]) : null;
        Path root = Files.createTempDirectory("berth-bench");
        Path logs = Path.of("target", "it-logs");

        String peer;
        String etcdVersion = EtcdWatchPeer.version();
        List<EtcdWatchPeer.Sample> etcd = new ArrayList<>();
        if (etcdVersion != null) {
            System.out.println("[bench] peer: " + etcdVersion + ", 3 members, " + puts + " puts, 2 watchers");
            try (EtcdWatchPeer e = new EtcdWatchPeer(root, logs)) {
                e.start();
                for (int i = 0; i < WARMUP * 4; i++) {
                    e.put(-1 - i);
                }
                for (int i = 0; i < puts; i++) {
                    etcd.add(e.put(i));
                    Thread.sleep(10);
                }
            }
            peer = etcdVersion;
        } else {
            peer = null;
            System.out.println("[bench] etcd is not installed: no peer figure (apt-get install etcd-server)");
        }

        // C2 for every node: this measures Berth as it would run, not the tests' small start-up-friendly JVMs.
        Cluster cluster = new Cluster("bench", root.resolve("berth"),
                Cluster.Options.defaults().withNodes(3, 1, 2, false).withJvmOptions(List.of("-XX:TieredStopAtLevel=4")));
        List<Launch> results = new ArrayList<>();
        List<String> watched = new ArrayList<>();
        String leaderId;
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        try {
            cluster.start();
            Node leader = cluster.awaitLeader(java.time.Duration.ofSeconds(30));
            leaderId = leader.id;
            cluster.applyTemplate(Templates.whoami("bench", "30m", "2h"));
            System.out.printf("[bench] cluster up; leader %s; %d warm-up launches, then %d measured%n", leader.id, WARMUP, launches);
            for (int i = 0; i < WARMUP + launches; i++) {
                Launch l = measure(leader, cluster.proxies.get(0), cluster.proxies.get(1), pollers, i);
                if (i >= WARMUP) {
                    results.add(l);
                }
                if ((i + 1) % 20 == 0) {
                    System.out.printf("[bench] %d/%d launches%n", i + 1, WARMUP + launches);
                }
            }
            for (Node c : cluster.controllers) {
                Cluster.self(c).ifPresent(s -> s.path("proxies").forEach(p -> watched.add(p.path("proxyId").asText() + "→" + c.id)));
            }
        } finally {
            pollers.shutdownNow();
            cluster.close();
            for (Node w : cluster.workers) {
                Docker.removeWorkerContainers(w.id);
            }
        }

        String report = report(results, etcd, peer, leaderId, watched, launches);
        System.out.println();
        System.out.println(report);
        if (doc != null) {
            updateDoc(doc, report);
            System.out.println("[bench] written to " + doc);
        }
    }

    private static Launch measure(Node api, Node p1, Node p2, ExecutorService pollers, int i) throws Exception {
        JsonNode launched = Cluster.launch(api.api(), "bench", "bench-" + i);
        String id = launched.get("id").asText();
        String hostname = launched.get("hostname").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode ready;
        while (true) {
            JsonNode n = Http.get(api.api() + "/instances/" + id).json();
            String state = n.path("state").asText();
            if ("READY".equals(state)) {
                ready = n;
                break;
            }
            if (!"SCHEDULED".equals(state) && !"STARTING".equals(state) || System.nanoTime() > deadline) {
                throw new IllegalStateException("instance " + id + " did not become READY: " + n);
            }
            Thread.sleep(2);
        }
        long readySeen = System.nanoTime();
        CompletableFuture<long[]> r1 = CompletableFuture.supplyAsync(() -> pollUntilRouted(p1, hostname, id), pollers);
        CompletableFuture<long[]> r2 = CompletableFuture.supplyAsync(() -> pollUntilRouted(p2, hostname, id), pollers);
        long[] a = r1.get(30, TimeUnit.SECONDS);
        long[] b = r2.get(30, TimeUnit.SECONDS);
        Http.post(api.api() + "/instances/" + id + "/stop", null);
        return new Launch(id, readySeen, a[0], b[0], ready.path("updatedAt").asLong(), Math.max(a[1], b[1]));
    }

    /** Polls one proxy until it serves the instance; returns {nanoTime, epoch millis} of the first such answer. */
    private static long[] pollUntilRouted(Node proxy, String hostname, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                RawHttp.Response r = RawHttp.get(proxy.host, proxy.httpPort, hostname, "/");
                if (r.status() == 200 && r.body().contains("instance: " + id)) {
                    return new long[] {System.nanoTime(), System.currentTimeMillis()};
                }
            } catch (UncheckedIOException e) {
                // keep polling
            }
        }
        throw new IllegalStateException(hostname + " never routed by " + proxy);
    }

    // ------------------------------------------------------------------ report

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static <T> long[] sorted(List<T> xs, ToLongFunction<T> f) {
        long[] a = xs.stream().mapToLong(f).toArray();
        Arrays.sort(a);
        return a;
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String row(String what, long[] nanos) {
        return "| " + what + " | " + nanos.length + " | " + ms(pct(nanos, 50)) + " | " + ms(pct(nanos, 90)) + " | " + ms(pct(nanos, 99))
                + " | " + ms(nanos[nanos.length - 1]) + " |";
    }

    private static String report(List<Launch> results, List<EtcdWatchPeer.Sample> etcd, String peer, String leaderId,
                                 List<String> watched, int launches) {
        long[] both = sorted(results, Launch::readyToBoth);
        long[] viaP1 = sorted(results, l -> l.routedP1Nanos() - l.readySeenNanos());
        long[] viaP2 = sorted(results, l -> l.routedP2Nanos() - l.readySeenNanos());
        long[] fromRecord = sorted(results, l -> (l.routedEpochMillis() - l.readyAtMillis()) * 1_000_000L);
        StringBuilder md = new StringBuilder();
        md.append(SECTION).append("\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `scripts/bench-route-latency.sh` (`berth-it/src/test/java/dev/berth/it/bench/RouteLatencyBench.java`).\n\n");
        md.append("**Set-up.** 3 controllers, 1 worker (its own proxy off) and 2 proxies, each a separate `berth` JVM (`-Xmx256m`, serial GC) on its own\n")
                .append("loopback address; real Docker; ").append(launches).append(" launches of `berth/whoami` one after the other (after ")
                .append(WARMUP).append(" unmeasured warm-up launches). For each: the leader's API (`GET /api/v1/instances/{id}`, leader ")
                .append(leaderId).append(") is polled every ~2 ms until it shows READY; from that moment both proxies are polled with the\n")
                .append("instance's Host header, back to back, until each answers 200 with the instance's page. Route watches at the end: ")
                .append(watched.isEmpty() ? "n/a" : String.join(", ", watched)).append(".\n\n");
        md.append("**Machine.** ").append(machine()).append("\n\n");
        md.append("| Berth: instance READY → routed | samples | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        md.append(row("API shows READY → 200 on **both** proxies", both)).append("\n");
        md.append(row("API shows READY → 200 on proxy 1", viaP1)).append("\n");
        md.append(row("API shows READY → 200 on proxy 2", viaP2)).append("\n");
        md.append(row("READY as recorded (`updatedAt`, the proposer's clock) → 200 on both (ms resolution)", fromRecord)).append("\n\n");
        if (peer != null && !etcd.isEmpty()) {
            long[] ack = sorted(etcd, EtcdWatchPeer.Sample::ackToBoth);
            long[] sent = sorted(etcd, EtcdWatchPeer.Sample::sentToBoth);
            md.append("**Peer: etcd watch propagation** (").append(peer).append(", 3 members on 127.0.0.41-43, the Debian package): a put through\n")
                    .append("member 1's HTTP/JSON gateway, two watchers on members 2 and 3 (`/v3/watch` streams), ").append(etcd.size())
                    .append(" puts one after the other. The same shape as Berth's path: a change committed by a 3-node Raft group, pushed to\n")
                    .append("2 watching processes.\n\n");
            md.append("| etcd: put → seen by watchers | samples | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
            md.append(row("put acknowledged → seen by **both** watchers", ack)).append("\n");
            md.append(row("put sent → seen by **both** watchers", sent)).append("\n\n");
            md.append(String.format(Locale.ROOT,
                    "**Ratio** (Berth ÷ etcd): READY recorded → routed on both proxies vs put sent → seen by both watchers: "
                            + "%.1f× at p50, %.1f× at p99. (etcd's watchers hear of a put about when its client gets the answer, "
                            + "so the acknowledged → watchers row is about 0 and gives no meaningful ratio; Berth's READY shown → routed "
                            + "is %s ms at p50.)%n%n",
                    ratio(pct(fromRecord, 50), pct(sent, 50)), ratio(pct(fromRecord, 99), pct(sent, 99)), ms(pct(both, 50))));
        } else {
            md.append("**Peer.** The natural peer is etcd's watch propagation (a put committed by a 3-member Raft group, seen by 2 watchers);\n")
                    .append("`etcd` was not installed when this ran (`apt-get install etcd-server`), so it was not measured.\n\n");
        }
        md.append("**Reading it.** Berth's figure is not only the push: it includes the follower controllers learning the commit of the\n")
                .append("READY entry (the proxies watch whichever controller they reached first, not necessarily the leader whose API is polled),\n")
                .append("the route delta's trip over the watch stream, the proxy swapping its table, and one proxied HTTP request to the container.\n")
                .append("etcd's includes only the commit notification and the push to its watchers. Traefik (the proxy a Berth user would otherwise\n")
                .append("put in front of containers, fed by a provider) is not installable here, so proxy-to-proxy it was not compared.\n");
        return md.toString();
    }

    private static double ratio(double a, double b) {
        return b <= 0 ? Double.NaN : a / b;
    }

    static String machine() {
        String cpu = "unknown CPU";
        String mem = "unknown memory";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
            long kb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
            mem = String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
        } catch (IOException e) {
            // leave unknown
        }
        String docker;
        try {
            docker = "Docker " + Docker.run("version", "-f", "{{.Server.Version}}");
        } catch (RuntimeException e) {
            docker = "Docker ?";
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc) — " + cpu + "; " + mem + "; Linux "
                + System.getProperty("os.version") + "; Java " + System.getProperty("java.version") + "; " + docker + ".";
    }

    /** Replaces (or appends) this benchmark's section of docs/benchmarks.md, leaving every other section as it is. */
    static void updateDoc(Path doc, String section) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nEach section says how it was measured, on what machine, and beside which peer.\n\n";
        int start = text.indexOf(SECTION);
        String updated;
        if (start < 0) {
            updated = (text.endsWith("\n\n") ? text : text.endsWith("\n") ? text + "\n" : text + "\n\n") + section;
        } else {
            int next = text.indexOf("\n## ", start + SECTION.length());
            updated = text.substring(0, start) + section + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(doc, updated, StandardCharsets.UTF_8);
    }
}
