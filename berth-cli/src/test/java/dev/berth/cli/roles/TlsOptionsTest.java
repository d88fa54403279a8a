package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.Berth;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --tls-cert, --tls-key, --tls-ca on the node roles: all three or none, and bad files refused before anything starts. */
class TlsOptionsTest {
    record Run(int code, String out, String err) {
    }

    static Run berth(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Berth.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd.execute(args), out.toString(), err.toString());
    }

    @Test
    void noneMeansPlaintext() {
        assertNull(ParsedCommand.of(WorkerCommand.class, "worker", "--id", "w", "--controllers", "127.0.0.1:7071")
                .controllers.tls);
        assertNull(TlsOptions.toNodeTls(null));
    }

    @Test
    void allThreeAreParsedOnEveryRole() {
        String[] tls = {"--tls-cert", "n.crt", "--tls-key", "n.key", "--tls-ca", "ca.crt"};
        for (String[] role : new String[][]{
                {"controller", "--id", "c1", "--peers", "c1=127.0.0.1:7072"},
                {"worker", "--id", "w", "--controllers", "127.0.0.1:7071"},
                {"proxy", "--id", "p", "--controllers", "127.0.0.1:7071"},
                {"standalone", "--grpc", "127.0.0.1:7071"}}) {
            String[] args = new String[role.length + tls.length];
            System.arraycopy(role, 0, args, 0, role.length);
            System.arraycopy(tls, 0, args, role.length, tls.length);
            CommandLine.ParseResult r = Berth.commandLine().parseArgs(args);
            Object cmd = r.subcommand().commandSpec().userObject();
            TlsOptions o = switch (cmd) {
                case ControllerCommand c -> c.tls;
                case WorkerCommand w -> w.controllers.tls;
                case ProxyCommand p -> p.controllers.tls;
                case StandaloneCommand s -> s.tls;
                default -> throw new AssertionError(cmd);
            };
            assertEquals(Path.of("n.crt"), o.cert, role[0]);
            assertEquals(Path.of("n.key"), o.key, role[0]);
            assertEquals(Path.of("ca.crt"), o.ca, role[0]);
        }
    }

    @Test
    void someButNotAllIsAUsageError() {
        Run r = berth("worker", "--id", "w", "--controllers", "127.0.0.1:1", "--tls-cert", "n.crt");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Missing required argument") && r.err().contains("--tls-key") && r.err().contains("--tls-ca"), r.err());

        Run p = berth("proxy", "--id", "p", "--controllers", "127.0.0.1:1", "--tls-key", "n.key", "--tls-ca", "ca.crt");
        assertEquals(2, p.code(), p.toString());
        assertTrue(p.err().contains("--tls-cert"), p.err());
    }

    @Test
    void missingFilesFailBeforeTheNodeStarts() {
        Run r = berth("worker", "--id", "w", "--controllers", "127.0.0.1:1",
                "--tls-cert", "/nonexistent/n.crt", "--tls-key", "/nonexistent/n.key", "--tls-ca", "/nonexistent/ca.crt");
        assertEquals(2, r.code(), r.toString());
        assertEquals("error: TLS certificate /nonexistent/n.crt: no such file\n", r.err());
    }

    @Test
    void standaloneTlsNeedsGrpc() {
        Run r = berth("standalone", "--tls-cert", "n.crt", "--tls-key", "n.key", "--tls-ca", "ca.crt");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("give --grpc too"), r.err());
    }
}
