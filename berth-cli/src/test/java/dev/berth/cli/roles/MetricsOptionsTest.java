package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.Berth;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The worker's metrics option lives beside the proxy's --metrics without clashing. */
class MetricsOptionsTest {

    @Test
    void workerAndProxyMetricsAreSeparateOptions() {
        WorkerCommand w = ParsedCommand.of(WorkerCommand.class, "worker", "--id", "w1", "--controllers", "127.0.0.1:7071",
                "--worker-metrics", "127.0.0.1:9101", "--metrics", "127.0.0.1:9100");
        assertEquals(new InetSocketAddress("127.0.0.1", 9101), w.workerMetrics);
        assertEquals(new InetSocketAddress("127.0.0.1", 9100), w.proxy.metrics);

        WorkerCommand none = ParsedCommand.of(WorkerCommand.class, "worker", "--id", "w1",
                "--controllers", "127.0.0.1:7071");
        assertNull(none.workerMetrics);

        StandaloneCommand s = ParsedCommand.of(StandaloneCommand.class, "standalone", "--worker-metrics", "127.0.0.1:9101");
        assertEquals(new InetSocketAddress("127.0.0.1", 9101), s.workerMetrics);
    }

    @Test
    void badAddressIsAUsageError() {
        CommandLine cmd = Berth.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("worker", "--id", "w1", "--controllers", "127.0.0.1:7071", "--worker-metrics", "9101");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("expected host:port"), err.toString());
    }
}
