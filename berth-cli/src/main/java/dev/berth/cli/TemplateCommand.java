package dev.berth.cli;

import picocli.CommandLine.Command;

/** {@code berth template ...}: a group; the work is in its subcommands. */
@Command(name = "template", mixinStandardHelpOptions = true, description = "Manage templates (what instances run).",
        subcommands = {TemplateApplyCommand.class, TemplateListCommand.class, TemplateGetCommand.class, TemplateRemoveCommand.class})
public final class TemplateCommand {
}
