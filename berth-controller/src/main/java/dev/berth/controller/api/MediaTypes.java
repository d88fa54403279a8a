package dev.berth.controller.api;

import java.util.Locale;
import java.util.Set;

/** Which request bodies the API reads. A missing Content-Type counts as JSON, so plain clients just work. */
final class MediaTypes {
    static final String JSON = "application/json";
    private static final Set<String> YAML = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");

    enum Kind { JSON, YAML, OTHER }

    private MediaTypes() {
    }

    static Kind of(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Kind.JSON;
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals(JSON) || base.endsWith("+json")) {
            return Kind.JSON;
        }
        return YAML.contains(base) ? Kind.YAML : Kind.OTHER;
    }
}
