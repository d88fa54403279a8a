package dev.berth.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.cli.Berth;
import dev.berth.testing.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A controller whose API, gRPC or Raft address is taken says which, in one line, and closes the
 * parts it had already started (Ratis alone would end the JVM with a stack trace).
 */
@Timeout(120)
class ControllerStartFailureTest {
    @TempDir
    Path dir;

    @Test
    void eachTakenAddressIsNamedAndNothingStaysBound() throws Exception {
        Map<String, String> what = Map.of("api", "the API", "grpc", "gRPC", "raft", "Raft");
        for (String taken : List.of("raft", "grpc", "api")) {
            Map<String, Integer> ports = Map.of("api", Ports.free(), "grpc", Ports.free(), "raft", Ports.free());
            StringWriter err = new StringWriter();
            int code;
            try (ServerSocket occupant = new ServerSocket(ports.get(taken), 50, InetAddress.getLoopbackAddress())) {
                CommandLine cmd = Berth.commandLine();
                cmd.setErr(new PrintWriter(err, true));
                code = cmd.execute("controller", "--id", "c1", "--peers", "c1=127.0.0.1:" + ports.get("raft"),
                        "--api", "127.0.0.1:" + ports.get("api"), "--grpc", "127.0.0.1:" + ports.get("grpc"),
                        "--data-dir", dir.resolve(taken).toString());
            }
            assertEquals(1, code, err.toString());
            assertEquals("error: cannot listen for " + what.get(taken) + " on 127.0.0.1:" + ports.get(taken)
                    + ": Address already in use", err.toString().strip());
            for (int port : ports.values()) {
                try (ServerSocket free = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                    assertEquals(port, free.getLocalPort());
                }
            }
        }
    }
}
