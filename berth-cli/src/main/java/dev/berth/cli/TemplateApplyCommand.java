package dev.berth.cli;

import dev.berth.cli.client.ApiClient;
import dev.berth.model.Template;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth template apply -f FILE}: creates or replaces the template the YAML file describes. */
@Command(name = "apply", mixinStandardHelpOptions = true, description = "Create or replace a template from a YAML file.")
public final class TemplateApplyCommand extends ClientCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Template YAML file.")
    Path file;

    @Override
    protected int run(ApiClient api) {
        Template t = TemplateFile.read(file);
        api.put("/templates/" + ApiClient.segment(t.name()), t);
        out().println("template " + t.name() + " applied");
        return ExitCodes.OK;
    }
}
