package dev.berth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.berth.cli.client.ApiClient;
import dev.berth.model.Template;
import dev.berth.model.json.BerthJson;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth template get NAME}: as YAML, ready to edit and apply again. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Print a template as YAML (or JSON with -o json).")
public final class TemplateGetCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        JsonNode node = api.get("/templates/" + ApiClient.segment(name));
        if (output.json()) {
            OutputOption.printJson(out(), node);
            return ExitCodes.OK;
        }
        try {
            // Through the model, so the YAML is written the way template files are read.
            out().print(yaml(BerthJson.json().treeToValue(node, Template.class)));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return ExitCodes.OK;
    }

    /** Quotes only where YAML needs them and no "---": it should read like a hand-written file. */
    static String yaml(Template t) throws JsonProcessingException {
        String yaml = BerthJson.yaml().writer().with(YAMLGenerator.Feature.MINIMIZE_QUOTES).writeValueAsString(t);
        // The doc marker is fixed when the generator is built, so a writer feature cannot drop it.
        return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
    }
}
