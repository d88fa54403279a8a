package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.http.Entrypoint;
import dev.berth.proxy.http.ProxyConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --https with or without certificate files. */
class HttpsOptionsTest {
    @Test
    void httpsWithoutFilesServesTheControlPlanesCertificates() {
        ProxyConfig c = ParsedCommand.proxyOptions("proxy", "--id", "p1", "--controllers", "127.0.0.1:7071",
                "--https", "127.0.0.1:8443").toConfig();
        assertTrue(c.entrypoints().stream().anyMatch(e -> e.kind() == Entrypoint.Kind.HTTPS));
        assertTrue(c.tls().certificates().isEmpty());
    }

    @Test
    void filesAreKeptInOrder() {
        ProxyConfig c = ParsedCommand.proxyOptions("proxy", "--id", "p1", "--controllers", "127.0.0.1:7071",
                "--https", "127.0.0.1:8443",
                "--https-cert", "a.pem,a.key", "--https-cert", "b.pem,b.key").toConfig();
        assertEquals(Path.of("a.pem"), c.tls().certificates().get(0).certChain());
        assertEquals(Path.of("b.key"), c.tls().certificates().get(1).privateKey());
    }

    @Test
    void certificateFilesWithoutHttpsAreAMistake() {
        ProxyOptions o = ParsedCommand.proxyOptions("proxy", "--id", "p1", "--controllers", "127.0.0.1:7071",
                "--https-cert", "a.pem,a.key");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::toConfig);
        assertTrue(e.getMessage().contains("give --https"), e.getMessage());
    }
}
