package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.controller.api.LaunchBody;
import dev.berth.model.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth launch TEMPLATE --owner OWNER}: starts an instance and, unless {@code --no-wait},
 * waits until it is READY so the printed hostname answers right away.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, description = "Launch an instance of a template.")
public final class LaunchCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "TEMPLATE")
    String template;

    @Option(names = "--owner", required = true, paramLabel = "OWNER", description = "Who the instance is for (team, student, branch).")
    String owner;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long it lives (e.g. 45m); default: the template's.")
    Duration ttl;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Extra environment variable; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--no-wait", description = "Return once created, without waiting until it is READY.")
    boolean noWait;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to wait until READY (default: ${DEFAULT-VALUE}).")
    Duration waitTimeout;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode created = api.post("/instances", body());
        JsonNode instance = created;
        if (!noWait) {
            String id = created.path("id").asText();
            if (!"READY".equals(created.path("state").asText())) {
                err().println("launched " + id + ", waiting until it is ready (at most " + Durations.format(waitTimeout) + ")...");
                err().flush();
            }
            instance = new InstanceWaiter(api).awaitReady(id, waitTimeout);
        }
        if (output.json()) {
            OutputOption.printJson(out(), instance);
        } else {
            InstanceText.summary(out(), instance);
        }
        return ExitCodes.OK;
    }

    LaunchBody body() {
        return new LaunchBody(template, owner, ttl == null ? null : Durations.format(ttl), env.isEmpty() ? null : env);
    }
}
