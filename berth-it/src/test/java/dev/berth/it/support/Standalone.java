package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.Berth;
import dev.berth.testing.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import picocli.CommandLine;

/** A `berth standalone` process with its own ports, data dir and worker id. */
public final class Standalone implements AutoCloseable {
    public final String workerId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    public final int apiPort = Ports.free();
    public final int httpPort = Ports.free();
    public final int raftPort = Ports.free();
    /** Ten proxy ports for raw TCP instance ports. */
    public final int tcpFirst = Ports.freeBlock(10);
    public final Path dataDir;
    private final String name;
    private final List<String> extraArgs = new ArrayList<>();
    private BerthProcess process;
    private int starts;

    public Standalone(String name, Path dataDir) {
        this.name = name;
        this.dataDir = dataDir;
    }

    /** More options for every start (e.g. {@code --https 127.0.0.1:PORT}); call before {@link #start()}. */
    public Standalone withArgs(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    public Standalone start() {
        // Same ports, data dir and worker id on every start: a restart is the same node coming back.
        List<String> args = new ArrayList<>(List.of("standalone",
                "--data-dir", dataDir.toString(),
                "--api", "127.0.0.1:" + apiPort,
                "--http", "127.0.0.1:" + httpPort,
                "--raft", "127.0.0.1:" + raftPort,
                "--worker-id", workerId,
                "--tcp-ports", tcpFirst + "-" + (tcpFirst + 9),
                "--tcp", "127.0.0.1:" + tcpFirst + "-" + (tcpFirst + 9),
                "--domain", "berth.localhost"));
        args.addAll(extraArgs);
        process = new BerthProcess(name + (starts++ == 0 ? "" : "-" + starts), args).start();
        Eventually.until("standalone API up\n" + name, Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("berth standalone exited:\n" + process.logTail());
            }
            try {
                return Http.get(api() + "/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        // The worker must have registered before launches can be placed.
        Eventually.until("worker registered", Duration.ofSeconds(30), () -> Http.get(api() + "/nodes").body().contains(workerId));
        return this;
    }

    public String api() {
        return "http://127.0.0.1:" + apiPort + "/api/v1";
    }

    public void applyTemplate(String json) {
        Http.Reply r = Http.call("POST", api() + "/templates", json);
        if (r.status() != 200 && r.status() != 201) {
            throw new AssertionError("template refused: " + r);
        }
    }

    public JsonNode launch(String template, String owner, String ttl) {
        String body = "{\"template\":\"" + template + "\",\"owner\":\"" + owner + "\"" + (ttl == null ? "" : ",\"ttl\":\"" + ttl + "\"") + "}";
        Http.Reply r = Http.post(api() + "/instances", body);
        if (r.status() != 201) {
            throw new AssertionError("launch refused: " + r);
        }
        return r.json();
    }

    public JsonNode instance(String id) {
        return Http.get(api() + "/instances/" + id).json();
    }

    public JsonNode awaitState(String id, String state, Duration within) {
        return Eventually.await("instance " + id + " " + state, within, () -> instance(id),
                n -> state.equals(n.path("state").asText()));
    }

    public RawHttp.Response viaProxy(String hostname) {
        return RawHttp.get("127.0.0.1", httpPort, hostname, "/");
    }

    public BerthProcess process() {
        return process;
    }

    public void stop() {
        process.stop();
    }

    /** {@code berth ...} as an operator types it, in this JVM, against this standalone's API; its stdout. Fails on a non-zero exit. */
    public String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Berth.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of(args),
                Stream.of("--api", "http://127.0.0.1:" + apiPort)).toArray(String[]::new);
        assertEquals(0, cli.execute(all), "berth " + String.join(" ", all) + "\n" + out + err);
        return out.toString();
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
