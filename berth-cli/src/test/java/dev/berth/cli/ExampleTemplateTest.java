package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.model.PortSpec;
import dev.berth.model.PortTls;
import dev.berth.model.Protocol;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Template;
import dev.berth.model.TemplateValidator;
import dev.berth.model.json.BerthJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples are what users try first: each must read, validate, and survive a round trip. */
class ExampleTemplateTest {

    static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void whoamiReadsValidatesAndRoundTrips() throws Exception {
        Template t = TemplateFile.read(example("whoami.yaml"));
        assertEquals("whoami", t.name());
        assertEquals("berth/whoami:latest", t.image());
        assertEquals("web", t.ports().get(0).name());
        assertEquals(8080, t.ports().get(0).containerPort());
        assertEquals(Protocol.HTTP, t.ports().get(0).protocol());
        assertEquals("flag{${instance.id}}", t.env().get("FLAG"));
        assertEquals(64L << 20, t.resources().memoryBytes());
        assertEquals(250_000_000L, t.resources().nanoCpus());
        assertEquals(64, t.resources().pids());
        assertEquals(Duration.ofMinutes(30), t.ttl().defaultTtl());
        assertEquals(Duration.ofHours(2), t.ttl().maxTtl());
        assertEquals("web", t.readiness().port());
        assertEquals("/", t.readiness().httpPath());
        assertEquals(Duration.ofSeconds(30), t.readiness().timeout());

        assertEquals(List.of(), new TemplateValidator(Duration.ofDays(7)).problems(t));
        assertEquals(t, BerthJson.yaml().readValue(BerthJson.yaml().writeValueAsString(t), Template.class));
        assertEquals(t, BerthJson.json().readValue(BerthJson.json().writeValueAsString(t), Template.class));
    }

    @Test
    void tcpEchoReadsValidatesAndRoundTrips() throws Exception {
        Template t = TemplateFile.read(example("tcp-echo.yaml"));
        assertEquals(List.of("nc", "-ll", "-p", "9000", "-e", "cat"), t.command());
        PortSpec echo = t.ports().get(0);
        assertEquals(new PortSpec("echo", 9000, Protocol.TCP, PortTls.TERMINATE, ProxyProtocolVersion.V1), echo);
        assertEquals(List.of(), new TemplateValidator(Duration.ofDays(7)).problems(t));
        assertEquals(t, BerthJson.yaml().readValue(TemplateGetCommand.yaml(t), Template.class));
    }

    @Test
    void printedYamlKeepsTrickyStringsStrings() throws Exception {
        Template t = TemplateFile.read(example("whoami.yaml"));
        Template tricky = new Template(t.name(), t.image(), List.of("sh", "-c", "echo: hi # not a comment"), t.ports(),
                java.util.Map.of("A", "yes", "B", "0123", "C", "null", "D", "~", "E", "1.5", "F", "- x", "G", "{a}", "H", ""),
                t.resources(), t.ttl(), t.readiness());
        String yaml = TemplateGetCommand.yaml(tricky);
        assertEquals(tricky, BerthJson.yaml().readValue(yaml, Template.class), yaml);
    }
}
