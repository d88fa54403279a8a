package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.controller.api.LaunchBody;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument parsing and output formatting, without an API. */
class ParsingAndFormattingTest {

    private static <T> T parsed(Class<T> type, String... args) {
        CommandLine cmd = new CommandLine(new Berth());
        CommandLine.ParseResult r = cmd.parseArgs(args);
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return type.cast(r.commandSpec().userObject());
    }

    @Test
    void launchOptions() {
        LaunchCommand c = parsed(LaunchCommand.class, "launch", "whoami", "--owner", "team42", "--ttl", "45m",
                "--env", "A=1", "--env", "B=x=y", "--no-wait", "-o", "JSON", "--api", "http://h:1", "--token", "t");
        assertEquals("whoami", c.template);
        assertEquals("team42", c.owner);
        assertEquals(Duration.ofMinutes(45), c.ttl);
        assertEquals(Map.of("A", "1", "B", "x=y"), c.env);
        assertTrue(c.noWait);
        assertTrue(c.output.json());
        assertEquals("http://h:1", c.apiOptions.api);
        assertEquals("t", c.apiOptions.token);
        assertEquals(new LaunchBody("whoami", "team42", "45m", Map.of("A", "1", "B", "x=y")), c.body());
    }

    @Test
    void launchDefaults() {
        LaunchCommand c = parsed(LaunchCommand.class, "launch", "whoami", "--owner", "t");
        assertNull(c.ttl);
        assertFalse(c.noWait);
        assertEquals(Duration.ofSeconds(60), c.waitTimeout);
        assertFalse(c.output.json());
        assertEquals(new LaunchBody("whoami", "t", null, null), c.body());
        if (System.getenv("BERTH_API") == null) {
            assertEquals("http://127.0.0.1:7070", c.apiOptions.api);
        }
    }

    @Test
    void listQuery() {
        assertEquals("", parsed(ListCommand.class, "ls").query());
        assertEquals("?owner=team%2042&state=READY", parsed(ListCommand.class, "ls", "--owner", "team 42", "--state", "READY").query());
    }

    @Test
    void usageErrorsExitWith2() {
        CliRun noOwner = CliRun.of("launch", "whoami");
        assertEquals(ExitCodes.USAGE, noOwner.exitCode(), noOwner.toString());
        assertTrue(noOwner.err().contains("--owner"), noOwner.err());

        CliRun badDuration = CliRun.of("extend", "abc", "soon");
        assertEquals(ExitCodes.USAGE, badDuration.exitCode());
        assertTrue(badDuration.err().contains("bad duration 'soon'"), badDuration.err());

        assertEquals(ExitCodes.USAGE, CliRun.of("ls", "-o", "yaml").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("ls", "--api", "127.0.0.1:7070").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of().exitCode(), "a subcommand is needed");
        assertEquals(ExitCodes.USAGE, CliRun.of("frobnicate").exitCode());
    }

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        for (String sub : new String[] {"template", "launch", "ls", "get", "extend", "stop", "nodes"}) {
            assertTrue(help.out().contains(sub), sub + " in\n" + help.out());
        }
        assertEquals(0, CliRun.of("launch", "--help").exitCode());
        assertTrue(CliRun.of("--version").out().startsWith("berth "));
    }

    @Test
    void unreachableApiIsOneClearLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.of("ls", "--api", "http://127.0.0.1:" + port);
        assertEquals(ExitCodes.FAILED, r.exitCode());
        assertEquals("error: cannot reach the Berth API at http://127.0.0.1:" + port + ": is berth running?\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void tableAlignsColumns() {
        StringWriter s = new StringWriter();
        new Table("ID", "STATE").row("a3f4b92c8d", "READY").row("b", null).print(new PrintWriter(s));
        assertEquals("""
                ID          STATE
                a3f4b92c8d  READY
                b           -
                """, s.toString());
    }

    @Test
    void expiresIn() throws IOException {
        assertEquals("44m59s", InstanceText.expiresIn(json("{\"state\":\"READY\",\"remainingSeconds\":2699}")));
        assertEquals("expired", InstanceText.expiresIn(json("{\"state\":\"READY\",\"remainingSeconds\":0}")));
        assertEquals("-", InstanceText.expiresIn(json("{\"state\":\"STOPPED\",\"remainingSeconds\":100}")));
        assertEquals("2026-01-01T00:00:00Z (in 1h)",
                InstanceText.expires(json("{\"state\":\"SCHEDULED\",\"remainingSeconds\":3600,\"expiresAtIso\":\"2026-01-01T00:00:00Z\"}")));
    }

    @Test
    void launchSummaryNamesWhatIsNeeded() throws IOException {
        StringWriter s = new StringWriter();
        InstanceText.summary(new PrintWriter(s), json("""
                {"id":"a3f4b92c8d","hostname":"a3f4b92c8d.ctf.example.com","url":"http://a3f4b92c8d.ctf.example.com/",
                 "state":"READY","reason":"ready","remainingSeconds":60,"expiresAtIso":"2026-01-01T00:00:00Z"}"""));
        assertEquals("""
                id:        a3f4b92c8d
                hostname:  a3f4b92c8d.ctf.example.com
                url:       http://a3f4b92c8d.ctf.example.com/
                state:     READY (ready)
                expires:   2026-01-01T00:00:00Z (in 1m)
                """, s.toString());
    }

    @Test
    void launchSummaryOfATcpInstanceNamesItsProxyPort() throws IOException {
        StringWriter s = new StringWriter();
        InstanceText.summary(new PrintWriter(s), json("""
                {"id":"b04c1cce4b","hostname":"b04c1cce4b.ctf.example.com","state":"READY","reason":"ready",
                 "remainingSeconds":60,"expiresAtIso":"2026-01-01T00:00:00Z","tcpPorts":{"shell":31000},
                 "ports":[{"name":"shell","containerPort":1337,"protocol":"tcp","tls":"terminate","proxyProtocol":"v1"},
                          {"name":"web","containerPort":8080,"protocol":"http"}]}"""));
        assertEquals("""
                id:        b04c1cce4b
                hostname:  b04c1cce4b.ctf.example.com
                url:       -
                state:     READY (ready)
                expires:   2026-01-01T00:00:00Z (in 1m)
                ports:     shell:1337/tcp -> :31000 (tls: terminate, proxyProtocol: v1), web:8080/http
                """, s.toString());
    }

    @Test
    void workerLease() {
        assertEquals("expires in 9s", NodesCommand.lease(9_000));
        assertEquals("lapsed 1m ago", NodesCommand.lease(-60_000));
    }

    private static JsonNode json(String s) throws IOException {
        return BerthJson.json().readTree(s);
    }
}
