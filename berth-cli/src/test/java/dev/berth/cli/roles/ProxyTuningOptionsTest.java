package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.Berth;
import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The proxy's timeouts and size limits on the command line. */
class ProxyTuningOptionsTest {
    private static ProxyConfig config(String... extra) {
        String[] args = new String[5 + extra.length];
        System.arraycopy(new String[] {"proxy", "--id", "p1", "--controllers", "127.0.0.1:7071"}, 0, args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        return ParsedCommand.proxyOptions(args).toConfig();
    }

    @Test
    void withoutFlagsTheDefaultsAreTheProxysOwn() {
        ProxyConfig cli = config();
        ProxyConfig lib = ProxyConfig.builder().entrypoint(Entrypoint.http("http", "127.0.0.1", 8080)).build();
        assertEquals(lib.connectTimeout(), cli.connectTimeout());
        assertEquals(lib.requestHeaderTimeout(), cli.requestHeaderTimeout());
        assertEquals(lib.idleTimeout(), cli.idleTimeout());
        assertEquals(lib.backendTimeout(), cli.backendTimeout());
        assertEquals(lib.tunnelIdleTimeout(), cli.tunnelIdleTimeout());
        assertEquals(lib.shutdownGrace(), cli.shutdownGrace());
        assertEquals(lib.maxHeaderSize(), cli.maxHeaderSize());
        assertEquals(lib.maxRequestBodyBytes(), cli.maxRequestBodyBytes());
    }

    @Test
    void flagsReachTheProxyConfig() {
        ProxyConfig c = config("--connect-timeout", "2s", "--header-timeout", "3s", "--idle-timeout", "90s",
                "--backend-timeout", "5m", "--tunnel-idle-timeout", "1h", "--max-header-bytes", "32768",
                "--max-body-bytes", "1048576", "--shutdown-grace", "30s");
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
        assertEquals(Duration.ofSeconds(3), c.requestHeaderTimeout());
        assertEquals(Duration.ofSeconds(90), c.idleTimeout());
        assertEquals(Duration.ofMinutes(5), c.backendTimeout());
        assertEquals(Duration.ofHours(1), c.tunnelIdleTimeout());
        assertEquals(32768, c.maxHeaderSize());
        assertEquals(1048576, c.maxRequestBodyBytes());
        assertEquals(Duration.ofSeconds(30), c.shutdownGrace());
        assertEquals(Duration.ZERO, config("--shutdown-grace", "0s").shutdownGrace(), "0s: stop at once");
        assertEquals("10.0.0.0/8,192.0.2.7", config("--proxy-protocol-from", "10.0.0.0/8,192.0.2.7").proxyProtocolFrom().toString());
        assertTrue(config().proxyProtocolFrom().isEmpty(), "no PROXY protocol unless asked for");
    }

    @Test
    void outOfRangeLimitsAreRefusedWithTheirRange() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> config("--max-header-bytes", "100"));
        assertTrue(small.getMessage().contains("1024 to 1048576"), small.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> config("--max-body-bytes", "-1"));
        assertTrue(negative.getMessage().contains("0 (no limit)"), negative.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> config("--proxy-protocol-from", "lb.example.com"));
        assertTrue(name.getMessage().startsWith("--proxy-protocol-from: 'lb.example.com' is not an IP address"), name.getMessage());
    }

    @Test
    void badDurationsAreUsageErrors() {
        for (String bad : new String[] {"0s", "soon", "-5s"}) {
            CommandLine cmd = Berth.commandLine();
            StringWriter err = new StringWriter();
            cmd.setErr(new PrintWriter(err));
            int code = cmd.execute("proxy", "--id", "p1", "--controllers", "127.0.0.1:7071", "--connect-timeout", bad);
            assertEquals(2, code, bad + ": " + err);
            assertTrue(err.toString().contains("--connect-timeout"), err.toString());
        }
    }
}
