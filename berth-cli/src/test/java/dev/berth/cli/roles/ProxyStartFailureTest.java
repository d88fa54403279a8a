package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.Berth;
import dev.berth.testing.Ports;
import dev.berth.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A proxy that cannot start as configured says why in one line, and leaves nothing bound. */
@Timeout(60)
class ProxyStartFailureTest {
    @TempDir
    Path dir;

    record Run(int code, String err) {
    }

    Run berth(String... args) {
        CommandLine cmd = Berth.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd.execute(args), err.toString().strip());
    }

    @Test
    void anAddressInUseNamesTheEntrypointAndFreesTheOthers() throws Exception {
        int metrics = Ports.free();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run r = berth("proxy", "--id", "p1", "--controllers", "127.0.0.1:1", "--data-dir", dir.toString(),
                    "--metrics", "127.0.0.1:" + metrics, "--http", "127.0.0.1:" + port);
            assertEquals(1, r.code(), r.err());
            assertEquals("error: cannot listen on 127.0.0.1:" + port + " (entrypoint 'http'): Address already in use", r.err());
        }
        try (ServerSocket again = new ServerSocket(metrics, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(metrics, again.getLocalPort(), "the entrypoint bound before the failure was closed");
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Start CA");
        TestCertificates.Issued site = TestCertificates.leaf(ca, "site.berth.localhost");
        TestCertificates.Issued other = TestCertificates.leaf(ca, "other.berth.localhost");
        Files.writeString(dir.resolve("site.pem"), site.chainPem());
        Files.writeString(dir.resolve("other.key"), other.traditionalKeyPem());
        Run r = berth("proxy", "--id", "p1", "--controllers", "127.0.0.1:1", "--data-dir", dir.toString(),
                "--http", "127.0.0.1:" + Ports.free(), "--https", "127.0.0.1:" + Ports.free(),
                "--https-cert", dir.resolve("site.pem") + "," + dir.resolve("other.key"));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: cannot load TLS certificates: " + dir.resolve("site.pem") + " / "
                + dir.resolve("other.key") + ": key: is not the key of the certificate (CN=site.berth.localhost"), r.err());
    }
}
