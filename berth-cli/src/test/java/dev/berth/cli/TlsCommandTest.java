package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.TestCertificates;
import dev.berth.model.json.BerthJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth tls ...} against a real API and a real single-node Raft store. */
class TlsCommandTest {
    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static final TestCertificates.Issued CA = TestCertificates.ca("CLI Test CA");

    @BeforeAll
    static void start() {
        cluster = new LocalCluster(dir.resolve("data"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static CliRun berth(String... args) {
        return CliRun.of(Stream.concat(Arrays.stream(args), Stream.of("--api", cluster.url)).toArray(String[]::new));
    }

    static Path[] write(String name, TestCertificates.Issued issued) throws Exception {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        issued.writePem(cert, key);
        return new Path[] {cert, key};
    }

    @Test
    void putListGetRemove() throws Exception {
        TestCertificates.Issued wildcard = TestCertificates.leaf(CA, "*.test.berth", "test.berth");
        Path[] files = write("crud", wildcard);

        CliRun put = berth("tls", "put", "crud", "--cert", files[0].toString(), "--key", files[1].toString());
        assertEquals(0, put.exitCode(), put.toString());
        assertTrue(put.out().startsWith("certificate crud stored: serves *.test.berth, test.berth until "), put.out());
        assertTrue(put.out().contains("(sha256 " + wildcard.fingerprint() + ")"), put.out());

        CliRun ls = berth("tls", "ls");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertTrue(ls.out().startsWith("NAME"), ls.out());
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("crud ") && l.contains("*.test.berth,test.berth")
                && l.contains("in 1d") && l.contains(wildcard.fingerprint().substring(0, 23) + "...")), ls.out());

        CliRun json = berth("tls", "ls", "-o", "json");
        JsonNode list = BerthJson.json().readTree(json.out());
        assertTrue(list.isArray());
        assertFalse(json.out().contains("PRIVATE KEY"), "never the key");

        CliRun get = berth("tls", "get", "crud");
        assertEquals(0, get.exitCode(), get.toString());
        assertTrue(get.out().contains("dns names:   *.test.berth, test.berth"), get.out());
        assertTrue(get.out().contains("sha256:      " + wildcard.fingerprint()), get.out());

        CliRun rm = berth("tls", "rm", "crud");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("certificate crud deleted\n", rm.out());
        CliRun again = berth("tls", "rm", "crud");
        assertEquals(1, again.exitCode());
        assertEquals("error: no certificate named 'crud' (not_found)\n", again.err());
    }

    @Test
    void mistakesAreOneLineNamingTheFile() throws Exception {
        TestCertificates.Issued good = TestCertificates.leaf(CA, "bad.test.berth");
        TestCertificates.Issued other = TestCertificates.leaf(CA, "bad.test.berth");
        Path[] files = write("good", good);
        Path[] otherFiles = write("other", other);

        CliRun swapped = berth("tls", "put", "bad", "--cert", files[1].toString(), "--key", files[0].toString());
        assertEquals(1, swapped.exitCode());
        assertEquals("error: " + files[1] + ": holds a private key, not a certificate (--cert and --key swapped?)\n", swapped.err());

        CliRun mismatched = berth("tls", "put", "bad", "--cert", files[0].toString(), "--key", otherFiles[1].toString());
        assertEquals(1, mismatched.exitCode());
        assertTrue(mismatched.err().startsWith("error: " + otherFiles[1] + ": is not the key of the certificate"), mismatched.err());
        assertTrue(mismatched.err().endsWith("(invalid_certificate)\n"), mismatched.err());
        assertEquals(1, mismatched.err().lines().count());

        Path notPem = dir.resolve("notes.txt");
        Files.writeString(notPem, "hello");
        CliRun garbage = berth("tls", "put", "bad", "--cert", notPem.toString(), "--key", files[1].toString());
        assertEquals("error: " + notPem + ": not PEM (no -----BEGIN line); --cert takes a PEM certificate chain\n", garbage.err());

        CliRun missing = berth("tls", "put", "bad", "--cert", dir.resolve("nope.pem").toString(), "--key", files[1].toString());
        assertEquals("error: " + dir.resolve("nope.pem") + ": no such file\n", missing.err());

        CliRun badName = berth("tls", "put", "Bad_Name", "--cert", files[0].toString(), "--key", files[1].toString());
        assertEquals(1, badName.exitCode());
        assertTrue(badName.err().contains("certificate name must be 1-63 lower-case letters") && badName.err().contains("(invalid_request)"),
                badName.err());

        CliRun usage = berth("tls", "put", "bad", "--cert", files[0].toString());
        assertEquals(2, usage.exitCode(), "a missing option is a usage error");
        assertTrue(usage.err().contains("--key"), usage.err());

        assertEquals(0, BerthJson.json().readTree(berth("tls", "ls", "-o", "json").out()).size(), "nothing stored");
    }

    @Test
    void helpKeepsServingCertificatesAndTheClusterPkiApart() {
        assertTrue(CliRun.of("tls", "--help").out().contains("Not `berth certs`"));
        assertTrue(CliRun.of("certs", "--help").out().contains("`berth tls`"));
        assertTrue(CliRun.of("--help").out().contains("tls"));
    }
}
