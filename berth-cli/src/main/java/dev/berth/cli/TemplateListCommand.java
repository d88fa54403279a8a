package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth template ls}. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List templates.")
public final class TemplateListCommand extends ClientCommand {
    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode templates = api.get("/templates");
        if (output.json()) {
            OutputOption.printJson(out(), templates);
            return ExitCodes.OK;
        }
        Table t = new Table("NAME", "IMAGE", "PORTS", "TTL", "MAX TTL");
        for (JsonNode tpl : templates) {
            List<String> ports = new ArrayList<>();
            for (JsonNode p : tpl.path("ports")) {
                ports.add(p.path("name").asText() + ":" + p.path("containerPort").asInt() + "/" + p.path("protocol").asText());
            }
            t.row(tpl.path("name").asText(), tpl.path("image").asText(), String.join(",", ports),
                    tpl.path("ttl").path("default").asText(), tpl.path("ttl").path("max").asText());
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
