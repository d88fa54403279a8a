package dev.berth.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.TestCertificates;
import dev.berth.testing.TestCertificates.Issued;
import dev.berth.model.json.BerthJson;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/certificates} against a real single-node Raft store, over real HTTP. */
class CertificateApiTest {
    @TempDir
    static Path dataDir;
    static TestCluster cluster;
    static Http http;
    static final Issued CA = TestCertificates.ca("API Test CA");

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dataDir, null);
        http = new Http(cluster.baseUrl, null);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static String body(String certificate, String key) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("certificate", certificate);
        b.put("key", key);
        try {
            return BerthJson.json().writeValueAsString(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Http.Reply put(String name, Issued i) {
        return putWith(http, name, i);
    }

    static Http.Reply putWith(Http client, String name, Issued i) {
        return client.put("/api/v1/certificates/" + name, body(i.chainPem(), i.keyPem()));
    }

    static void assertNoKey(Http.Reply r) {
        assertFalse(r.raw().body().contains("PRIVATE KEY"), r.raw().body());
        assertFalse(r.raw().body().contains("BEGIN CERTIFICATE"), r.raw().body());
    }

    static void assertRefused(Http.Reply r, int status, String code, String inMessage) {
        assertEquals(status, r.status(), r.raw().body());
        assertEquals(code, r.code(), r.raw().body());
        assertTrue(r.message().contains(inMessage), r.message());
    }

    @Test
    void putListGetReplaceDelete() {
        Issued wildcard = TestCertificates.leaf(CA, "*.crud.berth", "crud.berth");
        Http.Reply stored = put("crud-wildcard", wildcard);
        assertEquals(200, stored.status(), stored.raw().body());
        assertNoKey(stored);
        JsonNode view = stored.json();
        assertEquals("crud-wildcard", view.get("name").asText());
        assertEquals(List.of("*.crud.berth", "crud.berth"), List.of(view.get("dnsNames").get(0).asText(), view.get("dnsNames").get(1).asText()));
        assertEquals(wildcard.cert().getNotAfter().getTime(), view.get("notAfter").asLong());
        assertEquals(wildcard.cert().getNotAfter().toInstant().toString(), view.get("notAfterIso").asText());
        assertEquals(wildcard.fingerprint(), view.get("fingerprint").asText());
        assertEquals(Set.of("name", "dnsNames", "notAfter", "notAfterIso", "fingerprint"), fields(view));

        Http.Reply one = http.get("/api/v1/certificates/crud-wildcard");
        assertEquals(200, one.status());
        assertNoKey(one);
        assertEquals(view, one.json());
        Http.Reply all = http.get("/api/v1/certificates");
        assertEquals(200, all.status());
        assertNoKey(all);
        assertTrue(contains(all.json(), "crud-wildcard", wildcard.fingerprint()), all.raw().body());

        Issued renewed = TestCertificates.leaf(CA, "*.crud.berth", "crud.berth");
        Http.Reply replaced = put("crud-wildcard", renewed);
        assertEquals(200, replaced.status(), replaced.raw().body());
        assertEquals(renewed.fingerprint(), http.get("/api/v1/certificates/crud-wildcard").json().get("fingerprint").asText());
        assertEquals(renewed.keyPem(), cluster.store.read(s -> s.certificate("crud-wildcard").key()), "the key is stored, for the proxies");

        assertEquals(204, http.delete("/api/v1/certificates/crud-wildcard").status());
        assertRefused(http.get("/api/v1/certificates/crud-wildcard"), 404, "not_found", "no certificate named 'crud-wildcard'");
        assertFalse(contains(http.get("/api/v1/certificates").json(), "crud-wildcard", renewed.fingerprint()));
    }

    @Test
    void unknownNamesAre404() {
        assertRefused(http.get("/api/v1/certificates/never-stored"), 404, "not_found", "never-stored");
        assertRefused(http.delete("/api/v1/certificates/never-stored"), 404, "not_found", "never-stored");
        assertRefused(http.delete("/api/v1/certificates/Not_A_Name"), 404, "not_found", "Not_A_Name");
    }

    @Test
    void badInputIsRefusedWithItsCodeAndChangesNothing() {
        Issued good = TestCertificates.leaf(CA, "bad.berth");
        Issued other = TestCertificates.leaf(CA, "bad.berth");
        String before = http.get("/api/v1/certificates").raw().body();
        long versionBefore = cluster.store.read(s -> s.routeVersion());

        assertRefused(http.put("/api/v1/certificates/bad", body("not a certificate", good.keyPem())),
                400, "invalid_certificate", "no PEM certificate");
        String corrupt = good.certPem().substring(0, 120) + "\n-----END CERTIFICATE-----\n";
        assertRefused(http.put("/api/v1/certificates/bad", body(corrupt, good.keyPem())),
                400, "invalid_certificate", "not a valid X.509 certificate");
        assertRefused(http.put("/api/v1/certificates/bad", body(good.chainPem(), other.keyPem())),
                400, "invalid_certificate", "is not the key of the certificate");
        assertRefused(http.put("/api/v1/certificates/bad", body(good.keyPem(), good.chainPem())),
                400, "invalid_certificate", "swapped");
        Issued expired = TestCertificates.leaf(CA, TestCertificates.KeyType.EC, Instant.now().minusSeconds(7200),
                Instant.now().minusSeconds(3600), "old.berth");
        assertRefused(http.put("/api/v1/certificates/bad", body(expired.chainPem(), expired.keyPem())),
                400, "invalid_certificate", "expired on");
        assertRefused(http.put("/api/v1/certificates/Bad_Name", body(good.chainPem(), good.keyPem())),
                400, "invalid_request", "certificate name must be 1-63 lower-case letters");
        assertRefused(http.put("/api/v1/certificates/bad", "{\"certificate\":" + quoted(good.chainPem()) + "}"),
                400, "invalid_request", "key is missing");
        assertRefused(http.put("/api/v1/certificates/bad", "{\"certificate\":" + quoted(good.chainPem()) + ",\"key\":"
                + quoted(good.keyPem()) + ",\"chain\":\"x\"}"), 400, "invalid_json", "unknown field 'chain'");
        assertRefused(http.put("/api/v1/certificates/bad", body(good.chainPem() + "#".repeat(70_000), good.keyPem())),
                413, "payload_too_large", "the limit is 65536");
        assertRefused(http.post("/api/v1/certificates", body(good.chainPem(), good.keyPem())),
                405, "method_not_allowed", "GET");

        assertEquals(before, http.get("/api/v1/certificates").raw().body(), "nothing stored");
        assertEquals(versionBefore, (long) cluster.store.read(s -> s.routeVersion()), "nothing sent to proxies");
    }

    private static String quoted(String s) {
        try {
            return BerthJson.json().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static boolean contains(JsonNode list, String name, String fingerprint) {
        for (JsonNode c : list) {
            if (c.get("name").asText().equals(name) && c.get("fingerprint").asText().equals(fingerprint)) {
                return true;
            }
        }
        return false;
    }
}
