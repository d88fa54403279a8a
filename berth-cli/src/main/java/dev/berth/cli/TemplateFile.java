package dev.berth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.controller.api.JsonProblems;
import dev.berth.model.Template;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a template YAML file locally, so a mistake is reported with the file's name and the
 * line it is on, before anything is sent to the API.
 */
final class TemplateFile {
    private TemplateFile() {
    }

    static Template read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (IOException e) {
            throw new CliException(file + ": cannot read it: " + e.getMessage());
        }
        Template t;
        try {
            t = BerthJson.yaml().readValue(text, Template.class);
        } catch (JsonProcessingException e) {
            throw new CliException(file + ": " + JsonProblems.describe(e));
        }
        if (t == null) {
            throw new CliException(file + ": the file is empty");
        }
        if (t.name() == null || t.name().isBlank()) {
            throw new CliException(file + ": name is missing (the template's name, e.g. 'name: whoami')");
        }
        return t;
    }
}
