package dev.berth.model;

/**
 * One thing wrong with a template, at a field of its document.
 *
 * @param field   where in the template document, as a path a reader can find: {@code image},
 *                {@code resources.memory}, {@code ports[1].tls}; empty for the document as a whole.
 *                The API turns it into the line and column of that key in the YAML or JSON that was sent.
 * @param message what is wrong, without the field (it is said once, by {@link #toString})
 */
public record TemplateProblem(String field, String message) {
    public TemplateProblem {
        field = field == null ? "" : field;
    }

    /** {@code field: message}, the way the API and the CLI print it. */
    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
