package dev.berth.controller.state;

import dev.berth.model.PortSpec;
import dev.berth.model.Protocol;
import dev.berth.model.Readiness;
import dev.berth.model.Resources;
import dev.berth.model.Template;
import dev.berth.model.TtlPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Commands for state tests, with fixed times so every run applies the same log. */
public final class Fixtures {
    public static final long T0 = 1_700_000_000_000L;

    private Fixtures() {
    }

    public static Template template(String name) {
        return new Template(name, "berth/whoami:latest", List.of(),
                List.of(new PortSpec("web", 8080, Protocol.HTTP), new PortSpec("shell", 4000, Protocol.TCP)),
                Map.of("FLAG", "x"), Resources.DEFAULT, new TtlPolicy(Duration.ofMinutes(30), Duration.ofHours(2)), Readiness.DEFAULT);
    }

    public static Command.RegisterWorker worker(String id) {
        return new Command.RegisterWorker(id, "127.0.0.1", 10, T0, T0 + 10_000);
    }

    public static Command.CreateInstance create(String id, String worker, int tcpPort) {
        return new Command.CreateInstance(id, "whoami", "team42", id + ".berth.localhost", worker,
                T0, T0 + 1_800_000, T0 + 7_200_000, Map.of("FLAG", "flag{" + id + "}"), Map.of("shell", tcpPort));
    }

    /**
     * A stored serving certificate for state tests: applying the log never parses PEM, so the
     * PEM here is a stand-in that still differs per name and {@code serial}.
     */
    public static dev.berth.model.certs.ServingCertificate certificate(String name, int serial, String... dnsNames) {
        return new dev.berth.model.certs.ServingCertificate(name,
                "-----BEGIN CERTIFICATE-----\n" + name + serial + "\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\n" + name + serial + "\n-----END PRIVATE KEY-----\n",
                List.of(dnsNames), T0 + 86_400_000L * serial, String.format("%02X:%02X", name.length(), serial & 0xff));
    }

    public static Command.ReportInstance ready(String id, String worker, int port) {
        return new Command.ReportInstance(id, worker, Command.Observed.READY, "",
                Map.of("web", new dev.berth.model.Endpoint("127.0.0.1", port), "shell", new dev.berth.model.Endpoint("127.0.0.1", port + 1)), T0 + 1000);
    }
}
