package dev.berth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.json.BerthJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/** The {@code -o/--output} option, mixed into commands that print API objects. */
public final class OutputOption {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", converter = Output.Converter.class,
            description = "text (default) or json.")
    Output output = Output.TEXT;

    public boolean json() {
        return output == Output.JSON;
    }

    /** Pretty JSON, exactly what the API answered. */
    public static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(BerthJson.json().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
