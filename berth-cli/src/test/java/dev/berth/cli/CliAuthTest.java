package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI sends --token as a bearer token, and says what to do when it is missing. */
class CliAuthTest {
    @TempDir
    static Path dir;
    static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new LocalCluster(dir, "t0k3n");
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void tokenLetsIn() {
        CliRun r = CliRun.of("ls", "--api", cluster.url, "--token", "t0k3n");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void noTokenIsOneLineWithAHint() {
        CliRun r = CliRun.of("ls", "--api", cluster.url);
        assertEquals(1, r.exitCode());
        assertEquals("error: missing bearer token (send 'Authorization: Bearer <token>') (unauthorized); pass --token or set BERTH_TOKEN\n", r.err());
    }
}
