package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.Template;
import dev.berth.model.json.BerthJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real API and a real single-node Raft store. */
class CliEndToEndTest {
    private static final Pattern HOSTNAME = Pattern.compile("hostname:\\s+(([0-9a-f]{10})\\." + Pattern.quote(LocalCluster.DOMAIN) + ")");

    @TempDir
    static Path dir;
    static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir.resolve("data"));
        String yaml = Files.readString(ExampleTemplateTest.example("whoami.yaml"));
        Files.writeString(dir.resolve("whoami.yaml"), yaml);
        CliRun applied = berth("template", "apply", "-f", dir.resolve("whoami.yaml").toString());
        assertEquals(0, applied.exitCode(), applied.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static CliRun berth(String... args) {
        return CliRun.of(Stream.concat(Arrays.stream(args), Stream.of("--api", cluster.url)).toArray(String[]::new));
    }

    /** Launches and returns the id printed on the hostname line. */
    static String launchNoWait(String owner, String... more) {
        CliRun r = berth(Stream.concat(Stream.of("launch", "whoami", "--owner", owner, "--no-wait"), Arrays.stream(more)).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        Matcher m = HOSTNAME.matcher(r.out());
        assertTrue(m.find(), "a 10-hex hostname in\n" + r.out());
        assertTrue(r.out().contains("url:       http://" + m.group(1) + "/"), r.out());
        return m.group(2);
    }

    @Test
    void templateApplyListGetRemove() throws Exception {
        Path file = dir.resolve("other.yaml");
        Files.writeString(file, "name: other\nimage: nginx:alpine\nports:\n  - name: web\n    containerPort: 80\n");
        CliRun applied = berth("template", "apply", "-f", file.toString());
        assertEquals(0, applied.exitCode(), applied.toString());
        assertEquals("template other applied\n", applied.out());

        CliRun ls = berth("template", "ls");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertTrue(ls.out().startsWith("NAME"), ls.out());
        assertTrue(ls.out().contains("whoami") && ls.out().contains("other") && ls.out().contains("web:8080/http"), ls.out());

        CliRun get = berth("template", "get", "whoami");
        assertEquals(0, get.exitCode(), get.toString());
        Template printed = BerthJson.yaml().readValue(get.out(), Template.class);
        assertEquals(TemplateFile.read(dir.resolve("whoami.yaml")), printed, "get prints YAML that applies again");

        assertEquals("template other deleted\n", berth("template", "rm", "other").out());
        CliRun gone = berth("template", "get", "other");
        assertEquals(1, gone.exitCode());
        assertEquals("error: no template named 'other' (not_found)\n", gone.err());
    }

    @Test
    void badYamlIsOneClearLine() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nimage: x\nimagee: y\n");
        CliRun r = berth("template", "apply", "-f", file.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: " + file + ": unknown field 'imagee' at line "), r.err());

        Files.writeString(file, "name: bad\n  image: : x\n");
        CliRun syntax = berth("template", "apply", "-f", file.toString());
        assertEquals(1, syntax.exitCode());
        assertEquals("error: " + file + ": mapping values are not allowed here at line 2, column 8\n", syntax.err());

        CliRun missing = berth("template", "apply", "-f", dir.resolve("nope.yaml").toString());
        assertEquals("error: " + dir.resolve("nope.yaml") + ": no such file\n", missing.err());

        Files.writeString(file, "name: bad\nimage: x\nports:\n  - name: web\n    containerPort: 0\n");
        CliRun invalid = berth("template", "apply", "-f", file.toString());
        assertEquals(1, invalid.exitCode());
        assertEquals("error: ports[0].containerPort: must be 1-65535, got 0 (invalid_template)\n", invalid.err());
        assertFalse(berth("template", "ls").out().contains("bad"));
    }

    @Test
    void launchListExtendStop() {
        String id = launchNoWait("team42", "--ttl", "45m", "--env", "EXTRA=1");

        CliRun ls = berth("ls");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertTrue(ls.out().startsWith("ID"), ls.out());
        String row = ls.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow(() -> new AssertionError(ls.out()));
        assertTrue(row.matches(id + "\\s+whoami\\s+team42\\s+SCHEDULED\\s+" + id + "\\." + LocalCluster.DOMAIN.replace(".", "\\.") + "\\s+4[45]m\\d*s?"), row);
        assertEquals(2, berth("ls", "--owner", "team42").out().lines().count());
        assertEquals(1, berth("ls", "--owner", "team42", "--state", "ready").out().lines().count(), "header only");

        CliRun extended = berth("extend", id, "30m");
        assertEquals(0, extended.exitCode(), extended.toString());
        assertTrue(extended.out().startsWith("extended " + id + ": expires "), extended.out());
        assertTrue(extended.out().contains("(in 1h14m") || extended.out().contains("(in 1h15m"), extended.out());

        CliRun tooFar = berth("extend", id, "3h");
        assertEquals(1, tooFar.exitCode());
        assertTrue(tooFar.err().startsWith("error: instance " + id + " may live at most until "), tooFar.err());
        assertTrue(tooFar.err().endsWith("(ttl_exceeded)\n"), tooFar.err());

        CliRun stopped = berth("stop", id);
        assertEquals(0, stopped.exitCode(), stopped.toString());
        assertEquals("stopping " + id + " (STOPPING)\n", stopped.out());

        CliRun get = berth("get", id);
        assertTrue(get.out().contains("state:     STOPPING (stopped through the API)"), get.out());
        assertTrue(get.out().contains("env:       EXTRA, FLAG"), get.out());

        CliRun json = berth("get", id, "-o", "json");
        assertTrue(json.out().contains("\"FLAG\" : \"flag{" + id + "}\""), json.out());
    }

    @Test
    void launchWaitsUntilReady() {
        CliRun r = berth("launch", "whoami", "--owner", "ready-1", "--wait-timeout", "20s");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("state:     READY"), r.out());
        assertTrue(HOSTNAME.matcher(r.out()).find(), r.out());
    }

    @Test
    void launchReportsAFailure() {
        CliRun r = berth("launch", "whoami", "--owner", "doomed-1", "--wait-timeout", "20s");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains(" is FAILED: image not found"), r.err());
    }

    @Test
    void launchGivesUpAfterTheWaitTimeout() {
        CliRun r = berth("launch", "whoami", "--owner", "slow-1", "--wait-timeout", "1s");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("is not ready after 1s (still SCHEDULED"), r.err());
    }

    @Test
    void launchAsJson() throws Exception {
        CliRun r = berth("launch", "whoami", "--owner", "json-1", "--no-wait", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode i = BerthJson.json().readTree(r.out());
        assertTrue(i.get("hostname").asText().matches("[0-9a-f]{10}\\.test\\.berth"));
    }

    @Test
    void refusalsAreOneLine() {
        CliRun unknown = berth("launch", "nope", "--owner", "t", "--no-wait");
        assertEquals(1, unknown.exitCode());
        assertEquals("error: no template named 'nope' (not_found)\n", unknown.err());

        CliRun tooLong = berth("launch", "whoami", "--owner", "t", "--ttl", "3h", "--no-wait");
        assertEquals(1, tooLong.exitCode());
        assertEquals("error: ttl 3h is over template 'whoami' max of 2h (ttl_exceeded)\n", tooLong.err());

        CliRun badState = berth("ls", "--state", "sleepy");
        assertEquals(1, badState.exitCode());
        assertTrue(badState.err().endsWith("(invalid_request)\n"), badState.err());
    }

    @Test
    void nodes() {
        CliRun r = berth("nodes");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("c1") && r.out().contains("LEADER"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("w1") && l.contains("UP")), r.out());
    }
}
