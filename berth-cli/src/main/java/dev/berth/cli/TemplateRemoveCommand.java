package dev.berth.cli;

import dev.berth.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth template rm NAME}; the API refuses while live instances still run from it. */
@Command(name = "rm", aliases = "delete", mixinStandardHelpOptions = true, description = "Delete a template.")
public final class TemplateRemoveCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected int run(ApiClient api) {
        api.delete("/templates/" + ApiClient.segment(name));
        out().println("template " + name + " deleted");
        return ExitCodes.OK;
    }
}
