package dev.berth.model.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.model.ByteSizes;
import dev.berth.model.Durations;
import dev.berth.model.Resources;
import dev.berth.model.TtlPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * The one JSON/YAML mapping of Berth's model, shared by the API, the CLI and the Raft log,
 * so a template reads the same in a YAML file, an API body and a log entry.
 */
public final class BerthJson {
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
    private static final ObjectMapper YAML = configure(YAMLMapper.builder().build());

    private BerthJson() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public static ObjectMapper yaml() {
        return YAML;
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper
                .registerModule(module())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static SimpleModule module() {
        SimpleModule m = new SimpleModule("berth");
        m.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        m.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
                }
            }
        });
        m.addSerializer(Resources.class, new JsonSerializer<>() {
            @Override
            public void serialize(Resources r, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeStartObject();
                gen.writeStringField("memory", ByteSizes.format(r.memoryBytes()));
                gen.writeNumberField("cpus", r.nanoCpus() / 1e9);
                gen.writeNumberField("pids", r.pids());
                gen.writeEndObject();
            }
        });
        m.addDeserializer(Resources.class, new JsonDeserializer<>() {
            @Override
            public Resources deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode n = p.readValueAsTree();
                rejectUnknown(p, n, Set.of("memory", "cpus", "pids"), "resources");
                Resources d = Resources.DEFAULT;
                try {
                    long memory = n.hasNonNull("memory") ? ByteSizes.parse(n.get("memory").asText()) : d.memoryBytes();
                    long nanoCpus = n.hasNonNull("cpus") ? Math.round(number(p, n, "cpus") * 1e9) : d.nanoCpus();
                    long pids = n.hasNonNull("pids") ? (long) number(p, n, "pids") : d.pids();
                    return new Resources(memory, nanoCpus, pids);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, "resources: " + e.getMessage(), n.toString(), Resources.class);
                }
            }
        });
        m.addSerializer(TtlPolicy.class, new JsonSerializer<>() {
            @Override
            public void serialize(TtlPolicy t, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeStartObject();
                gen.writeStringField("default", Durations.format(t.defaultTtl()));
                gen.writeStringField("max", Durations.format(t.maxTtl()));
                gen.writeEndObject();
            }
        });
        m.addDeserializer(TtlPolicy.class, new JsonDeserializer<>() {
            @Override
            public TtlPolicy deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode n = p.readValueAsTree();
                rejectUnknown(p, n, Set.of("default", "max"), "ttl");
                try {
                    Duration def = n.hasNonNull("default") ? Durations.parse(n.get("default").asText()) : TtlPolicy.DEFAULT.defaultTtl();
                    Duration max = n.hasNonNull("max") ? Durations.parse(n.get("max").asText()) : def.compareTo(TtlPolicy.DEFAULT.maxTtl()) > 0 ? def : TtlPolicy.DEFAULT.maxTtl();
                    return new TtlPolicy(def, max);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, "ttl: " + e.getMessage(), n.toString(), TtlPolicy.class);
                }
            }
        });
        return m;
    }

    private static double number(JsonParser p, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a number, got '" + v.asText() + "'");
        }
    }

    private static void rejectUnknown(JsonParser p, JsonNode n, Set<String> known, String what) throws IOException {
        if (!n.isObject()) {
            throw InvalidFormatException.from(p, what + " must be an object", n.toString(), Object.class);
        }
        var it = n.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!known.contains(f)) {
                throw InvalidFormatException.from(p, what + ": unknown field '" + f + "' (known: " + known + ")", f, Object.class);
            }
        }
    }
}
