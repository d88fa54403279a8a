package dev.berth.controller.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jackson's parse and mapping errors into one readable line, e.g.
 * {@code ports[0].containerPort: expected a number, got "abc" at line 4, column 20}.
 * Jackson's own messages name Java classes and internal tokens, which mean nothing to someone
 * who wrote a YAML file; the API and the CLI both say it this way.
 */
public final class JsonProblems {
    private static final int MAX_LENGTH = 300;
    private static final Pattern CANNOT_DESERIALIZE =
            Pattern.compile("Cannot deserialize value of type `([^`]+)` from (.*)", Pattern.DOTALL);
    private static final Pattern FROM_STRING = Pattern.compile("String (\".*?\"): .*", Pattern.DOTALL);
    private static final Pattern FROM_TOKEN = Pattern.compile("(\\w+) value \\(token `JsonToken\\.(\\w+)`\\).*", Pattern.DOTALL);

    private JsonProblems() {
    }

    public static String describe(JsonProcessingException e) {
        String where = location(e.getLocation());
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            message = prefix(parentPath(u)) + "unknown field '" + u.getPropertyName() + "'" + where + known(u);
        } else {
            String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
            String problem = problem(e);
            // Berth's own deserializers already name their field ("ttl: bad duration ..."); say it once.
            message = (problem.startsWith(path + ":") ? "" : prefix(path)) + problem + where;
        }
        return message.length() <= MAX_LENGTH ? message : message.substring(0, MAX_LENGTH - 3) + "...";
    }

    private static String problem(JsonProcessingException e) {
        // A record constructor or @JsonCreator refused the value: its own message is the readable one.
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        String original = firstLine(e.getOriginalMessage());
        if (original.startsWith("No content to map due to end-of-input")) {
            return "the body is empty";
        }
        if (original.startsWith("Cannot map `null` into type")) {
            return "is missing or null";
        }
        Matcher m = CANNOT_DESERIALIZE.matcher(original);
        if (m.matches()) {
            return "expected " + typeName(m.group(1)) + ", got " + given(m.group(2));
        }
        return original;
    }

    private static String given(String from) {
        Matcher s = FROM_STRING.matcher(from);
        if (s.matches()) {
            return s.group(1);
        }
        Matcher t = FROM_TOKEN.matcher(from);
        if (t.matches()) {
            return switch (t.group(2)) {
                case "START_ARRAY" -> "a list";
                case "START_OBJECT" -> "an object";
                case "VALUE_STRING" -> "a string";
                case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
                case "VALUE_TRUE", "VALUE_FALSE" -> "a boolean";
                default -> t.group(1).toLowerCase(Locale.ROOT);
            };
        }
        return from;
    }

    private static String typeName(String javaType) {
        String raw = javaType.replaceAll("<.*", "");
        return switch (raw) {
            case "int", "long", "short", "double", "float", "java.lang.Integer", "java.lang.Long", "java.lang.Double" -> "a number";
            case "boolean", "java.lang.Boolean" -> "true or false";
            case "java.lang.String" -> "a string";
            case "java.time.Duration" -> "a duration (e.g. 30m)";
            default -> raw.startsWith("java.util.") && (raw.contains("List") || raw.contains("Set") || raw.contains("Collection"))
                    ? "a list" : "an object";
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String location(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return at.getColumnNr() > 0
                ? " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                : " at line " + at.getLineNr();
    }

    private static String known(UnrecognizedPropertyException u) {
        if (u.getKnownPropertyIds() == null || u.getKnownPropertyIds().isEmpty()) {
            return "";
        }
        return " (known: " + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
    }

    private static String parentPath(JsonMappingException m) {
        List<JsonMappingException.Reference> refs = m.getPath();
        return path(refs.isEmpty() ? refs : refs.subList(0, refs.size() - 1));
    }

    /** {@code ports[0].containerPort}: the path as the user wrote it, not Jackson's class chain. */
    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}
