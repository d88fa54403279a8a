package dev.berth.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.json.BerthJson;
import dev.berth.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The peer figure: a 3-member etcd cluster on loopback (127.0.0.41-43), a put through member 1,
 * and two watchers (on members 2 and 3) that see it. The same shape as Berth's measurement: a
 * change committed by a Raft group, then pushed to two watching processes.
 *
 * <p>Watchers use etcd's HTTP/JSON gateway ({@code /v3/watch}, a stream of JSON lines), so no
 * client library is needed.
 */
final class EtcdWatchPeer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Member(String name, String host, int clientPort, int peerPort, Path dataDir) {
        String client() {
            return "http://" + host + ":" + clientPort;
        }

        String peer() {
            return "http://" + host + ":" + peerPort;
        }
    }

    /** Per put: nanoTime sent, nanoTime acknowledged, nanoTime seen by each watcher. */
    record Sample(long sent, long acked, long seenA, long seenB) {
        long ackToBoth() {
            return Math.max(seenA, seenB) - acked;
        }

        long sentToBoth() {
            return Math.max(seenA, seenB) - sent;
        }
    }

    private final List<Member> members = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> watchers = new ArrayList<>();
    private final List<InputStream> streams = new ArrayList<>();
    private final Map<String, Long> seenA = new ConcurrentHashMap<>();
    private final Map<String, Long> seenB = new ConcurrentHashMap<>();
    private final Path logs;

    EtcdWatchPeer(Path root, Path logs) {
        this.logs = logs;
        for (int i = 1; i <= 3; i++) {
            String host = "127.0.0.4" + i;
            members.add(new Member("e" + i, host, Ports.free(host), Ports.free(host), root.resolve("etcd-e" + i)));
        }
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("etcd").trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void start() throws Exception {
        String cluster = members.stream().map(m -> m.name() + "=" + m.peer()).collect(Collectors.joining(","));
        Files.createDirectories(logs);
        for (Member m : members) {
            processes.add(new ProcessBuilder("etcd", "--name", m.name(), "--data-dir", m.dataDir().toString(),
                    "--listen-client-urls", m.client(), "--advertise-client-urls", m.client(),
                    "--listen-peer-urls", m.peer(), "--initial-advertise-peer-urls", m.peer(),
                    "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", "berth-bench")
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("bench-etcd-" + m.name() + ".log").toFile())
                    .start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Member m : members) {
            while (!healthy(m)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd member " + m.name() + " not healthy; see " + logs);
                }
                Thread.sleep(100);
            }
        }
        watch(members.get(1), seenA);
        watch(members.get(2), seenB);
    }

    private static boolean healthy(Member m) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(m.client() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void watch(Member m, Map<String, Long> seen) throws Exception {
        String body = "{\"create_request\":{\"key\":\"" + b64("bench/") + "\",\"range_end\":\"" + b64("bench0") + "\"}}";
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(m.client() + "/v3/watch"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = r.body();
        streams.add(in);
        java.util.concurrent.CountDownLatch created = new java.util.concurrent.CountDownLatch(1);
        Thread t = Thread.ofPlatform().daemon().name("etcd-watch-" + m.name()).start(() -> {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    long now = System.nanoTime();
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode result = BerthJson.json().readTree(line).path("result");
                    if (result.path("created").asBoolean(false)) {
                        created.countDown();
                    }
                    for (JsonNode e : result.path("events")) {
                        String key = new String(Base64.getDecoder().decode(e.at("/kv/key").asText()), StandardCharsets.UTF_8);
                        seen.putIfAbsent(key, now);
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        });
        watchers.add(t);
        if (!created.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("etcd watch on " + m.name() + " not created");
        }
    }

    /** One put through member 1, then waits until both watchers saw it. */
    Sample put(int i) throws Exception {
        String key = "bench/" + i;
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64("value-" + i) + "\"}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(members.get(0).client() + "/v3/kv/put"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        long acked = System.nanoTime();
        if (r.statusCode() != 200) {
            throw new IllegalStateException("put refused: " + r.statusCode() + " " + r.body());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(seenA.containsKey(key) && seenB.containsKey(key))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("watchers did not see " + key);
            }
            Thread.onSpinWait();
        }
        return new Sample(sent, acked, seenA.get(key), seenB.get(key));
    }

    @Override
    public void close() {
        for (InputStream in : streams) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
