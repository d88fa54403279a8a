package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.Berth;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Docker;
import dev.berth.it.support.Eventually;
import dev.berth.it.support.Http;
import dev.berth.it.support.RawHttp;
import dev.berth.it.support.Templates;
import dev.berth.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of separate processes whose gRPC is mutual TLS throughout, with certificates from
 * {@code berth certs}: one controller, a worker and a proxy serve an instance; a worker without
 * a client certificate, and one whose certificate another CA signed, never register.
 */
class MutualTlsIT {
    @TempDir
    Path tmp;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String workerId = "tls-worker-" + suffix;
    private final String plaintextWorkerId = "tls-plain-" + suffix;
    private final String foreignWorkerId = "tls-foreign-" + suffix;
    private final String impostorWorkerId = "tls-impostor-" + suffix;
    private final List<BerthProcess> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        for (String id : List.of(workerId, plaintextWorkerId, foreignWorkerId, impostorWorkerId)) {
            Docker.removeWorkerContainers(id);
        }
    }

    private static void certs(String... args) {
        String[] all = Stream.concat(Stream.of("certs"), Stream.of(args)).toArray(String[]::new);
        assertEquals(0, Berth.commandLine().execute(all), "berth " + String.join(" ", all));
    }

    private static List<String> tls(Path dir, String name, Path ca) {
        return List.of("--tls-cert", dir.resolve(name + ".crt").toString(), "--tls-key", dir.resolve(name + ".key").toString(),
                "--tls-ca", ca.toString());
    }

    private BerthProcess start(String name, List<String> args) {
        BerthProcess p = new BerthProcess(name, args).start();
        processes.add(p);
        return p;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void clusterTalksMutualTlsAndNodesWithoutTheCasCertificateNeverRegister() throws Exception {
        // ---- certificates, made by `berth certs` ----
        Path certs = tmp.resolve("certs");
        certs("init", "--dir", certs.toString());
        certs("issue", "--dir", certs.toString(), "--name", "controller-1", "--role", "controller",
                "--san", "127.0.0.1", "--san", "localhost");
        certs("issue", "--dir", certs.toString(), "--name", workerId, "--role", "worker");
        certs("issue", "--dir", certs.toString(), "--name", "proxy-1", "--role", "proxy");
        Path ca = certs.resolve("ca.crt");

        // ---- one controller, gRPC over mutual TLS only ----
        int api = Ports.free();
        int grpc = Ports.free();
        int raft = Ports.free();
        int http = Ports.free();
        String apiUrl = "http://127.0.0.1:" + api + "/api/v1";
        String controllers = "127.0.0.1:" + grpc;
        BerthProcess controller = start("mtls-controller", concat(List.of("controller", "--id", "c1",
                "--peers", "c1=127.0.0.1:" + raft, "--data-dir", tmp.resolve("c1").toString(),
                "--api", "127.0.0.1:" + api, "--grpc", controllers, "--domain", "berth.localhost"),
                tls(certs, "controller-1", ca)));
        Eventually.until("controller API up", Duration.ofSeconds(60), () -> {
            if (!controller.isAlive()) {
                throw new AssertionError("berth controller exited:\n" + controller.logTail());
            }
            try {
                return Http.get(apiUrl + "/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });

        Eventually.until("controller says its gRPC is mutual TLS", Duration.ofSeconds(10),
                () -> controller.logTail().contains("grpc " + controllers + " (mutual TLS)"));

        // ---- a worker and a proxy with their certificates ----
        BerthProcess worker = start("mtls-worker", concat(List.of("worker", "--id", workerId, "--controllers", controllers,
                "--no-proxy", "--advertise", "127.0.0.1", "--data-dir", tmp.resolve("w").toString()),
                tls(certs, workerId, ca)));
        BerthProcess proxy = start("mtls-proxy", concat(List.of("proxy", "--id", "proxy-" + suffix, "--controllers", controllers,
                "--http", "127.0.0.1:" + http, "--data-dir", tmp.resolve("p").toString()),
                tls(certs, "proxy-1", ca)));
        Eventually.until("TLS worker registered", Duration.ofSeconds(60), () -> {
            if (!worker.isAlive()) {
                throw new AssertionError("berth worker exited:\n" + worker.logTail());
            }
            return Http.get(apiUrl + "/nodes").body().contains(workerId);
        });

        // ---- an instance, launched through the API, served through the proxy ----
        Http.Reply applied = Http.post(apiUrl + "/templates", Templates.whoami("whoami", "30m", "2h"));
        assertTrue(applied.status() == 200 || applied.status() == 201, applied.toString());
        Http.Reply launched = Http.post(apiUrl + "/instances", "{\"template\":\"whoami\",\"owner\":\"team42\"}");
        assertEquals(201, launched.status(), launched.toString());
        String id = launched.json().get("id").asText();
        String hostname = launched.json().get("hostname").asText();
        Eventually.await("instance " + id + " READY", Duration.ofSeconds(90), () -> Http.get(apiUrl + "/instances/" + id).json(),
                (JsonNode n) -> "READY".equals(n.path("state").asText()));
        RawHttp.Response page = Eventually.await("proxy serves " + hostname, Duration.ofSeconds(30), () -> {
            if (!proxy.isAlive()) {
                throw new AssertionError("berth proxy exited:\n" + proxy.logTail());
            }
            return RawHttp.get("127.0.0.1", http, hostname, "/");
        }, r -> r.status() == 200);
        assertTrue(page.body().contains("instance: " + id), page.body());

        // ---- workers the controller must refuse ----
        // no client certificate at all: plaintext gRPC against the TLS port
        BerthProcess plaintext = start("mtls-worker-plaintext", List.of("worker", "--id", plaintextWorkerId,
                "--controllers", controllers, "--no-proxy", "--data-dir", tmp.resolve("wp").toString()));
        // a certificate from another CA; it trusts the cluster CA too, so only the controller's check stops it
        Path other = tmp.resolve("other-certs");
        certs("init", "--dir", other.toString(), "--name", "Intruder CA");
        certs("issue", "--dir", other.toString(), "--name", foreignWorkerId, "--role", "worker");
        Path bothCas = Files.writeString(tmp.resolve("both-cas.crt"),
                Files.readString(other.resolve("ca.crt")) + Files.readString(ca));
        BerthProcess foreign = start("mtls-worker-foreign", concat(List.of("worker", "--id", foreignWorkerId,
                "--controllers", controllers, "--no-proxy", "--data-dir", tmp.resolve("wf").toString()),
                tls(other, foreignWorkerId, bothCas)));
        // the cluster CA's certificate, but a proxy's: its role may watch routes, not run instances
        BerthProcess impostor = start("mtls-worker-impostor", concat(List.of("worker", "--id", impostorWorkerId,
                "--controllers", controllers, "--no-proxy", "--data-dir", tmp.resolve("wi").toString()),
                tls(certs, "proxy-1", ca)));

        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < until) {
            String nodes = Http.get(apiUrl + "/nodes").body();
            assertFalse(nodes.contains(plaintextWorkerId), "a worker without a client certificate registered: " + nodes);
            assertFalse(nodes.contains(foreignWorkerId), "a worker with another CA's certificate registered: " + nodes);
            assertFalse(nodes.contains(impostorWorkerId), "a worker with a proxy's certificate registered: " + nodes);
            Thread.sleep(500);
        }
        assertTrue(plaintext.isAlive(), "the refused worker keeps retrying rather than exiting:\n" + plaintext.logTail());
        assertTrue(foreign.isAlive(), "the refused worker keeps retrying rather than exiting:\n" + foreign.logTail());
        assertTrue(impostor.isAlive(), "the refused worker keeps retrying rather than exiting:\n" + impostor.logTail());
        Eventually.until("the impostor is told why", Duration.ofSeconds(30),
                () -> impostor.logTail().contains("PERMISSION_DENIED: a proxy certificate may not call berth.v1.WorkerService"));
        Eventually.until("the controller logs the refusal", Duration.ofSeconds(30),
                () -> controller.logTail().contains("a proxy certificate may not call berth.v1.WorkerService"));
        String nodes = Http.get(apiUrl + "/nodes").body();
        assertTrue(nodes.contains(workerId), "the TLS worker is still there: " + nodes);
        assertEquals(200, RawHttp.get("127.0.0.1", http, hostname, "/").status(), "still served");
    }
}
