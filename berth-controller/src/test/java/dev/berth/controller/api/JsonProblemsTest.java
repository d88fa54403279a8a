package dev.berth.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.Template;
import dev.berth.model.json.BerthJson;
import org.junit.jupiter.api.Test;

/** Jackson's errors, as a person who wrote the file reads them. */
class JsonProblemsTest {

    private static String problem(ObjectMapper mapper, String text) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> mapper.readValue(text, Template.class));
        return JsonProblems.describe(e);
    }

    @Test
    void unknownFieldNamesTheFieldTheLineAndTheKnownOnes() {
        assertEquals("unknown field 'imagee' at line 3, column 12 (known: command, env, image, name, onWorkerLost, ports, readiness, resources, ttl)",
                problem(BerthJson.json(), "{\"name\":\"x\",\n\"image\":\"a\",\n\"imagee\":1}"));
    }

    @Test
    void nestedUnknownFieldNamesItsParent() {
        String m = problem(BerthJson.yaml(), "name: x\nports:\n  - name: web\n    containerPort: 80\n    port: 80\n");
        assertEquals("ports[0]: unknown field 'port'", m.substring(0, m.indexOf(" at line")));
    }

    @Test
    void missingPrimitiveIsNamed() {
        String m = problem(BerthJson.yaml(), "name: x\nports:\n  - name: web\n");
        assertEquals("ports[0].containerPort: is missing or null", m.substring(0, m.indexOf(" at line")));
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        assertEquals("ports[0].containerPort: expected a number, got \"abc\" at line 4, column 20",
                problem(BerthJson.yaml(), "name: x\nports:\n  - name: web\n    containerPort: abc\n"));
        assertEquals("env: expected an object, got a list at line 1, column 8",
                problem(BerthJson.json(), "{\"env\":[1]}"));
    }

    @Test
    void berthsOwnMessagesAreKeptAndNotPrefixedTwice() {
        assertEquals("ttl: bad duration '3x' (use e.g. 90s, 30m, 1h30m) at line 1, column 23",
                problem(BerthJson.json(), "{\"ttl\":{\"default\":\"3x\"}}"));
        assertEquals("ports[0].protocol: unknown protocol 'udp' (http, tcp or tls) at line 1, column 54",
                problem(BerthJson.json(), "{\"ports\":[{\"name\":\"web\",\"containerPort\":1,\"protocol\":\"udp\"}]}"));
    }

    @Test
    void syntaxErrorsAreOneLine() {
        String m = problem(BerthJson.yaml(), "name: x\n  image: : a\n");
        assertEquals("mapping values are not allowed here at line 2, column 8", m);
        assertEquals("the body is empty at line 1", problem(BerthJson.json(), ""));
    }
}
