package dev.berth.proxy.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.model.Endpoint;
import dev.berth.model.ProxyProtocolVersion;
import dev.berth.model.Route;
import dev.berth.model.RouteKey;
import dev.berth.proxy.routing.RouteTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCacheTest {
    @TempDir
    Path dir;

    static RouteTable sample(long version) {
        return RouteTable.of(version, List.of(
                new Route(RouteKey.http("a3f4b92c8d.berth.localhost"), "inst-1", new Endpoint("127.0.0.1", 32768)),
                new Route(RouteKey.tls("*.tls.example.com"), "inst-2", new Endpoint("10.0.0.2", 8443)),
                new Route(RouteKey.tcp(31337), "inst-3", new Endpoint("10.0.0.3", 1337)),
                new Route(RouteKey.http("starting.berth.localhost"), "inst-4", null)));
    }

    @Test
    void roundTrip() throws Exception {
        RouteCache cache = new RouteCache(dir.resolve("sub/routes.json"));
        assertTrue(cache.load().isEmpty());
        cache.save(sample(42));
        RouteTable loaded = new RouteCache(dir.resolve("sub/routes.json")).load().orElseThrow();
        assertEquals(42, loaded.version());
        assertEquals(sample(42).asMap(), loaded.asMap());
        cache.save(RouteTable.of(43, List.of()));
        assertEquals(43, cache.load().orElseThrow().version());
        assertEquals(0, cache.load().orElseThrow().size());
    }

    @Test
    void certificatesAreCachedWithTheirKeysInAnOwnerOnlyFile() throws Exception {
        var ca = dev.berth.testing.TestCertificates.ca("Cache CA");
        var web = dev.berth.proxy.testutil.ServingCerts.of("web", dev.berth.testing.TestCertificates.leaf(ca, "*.berth.localhost"));
        RouteTable table = RouteTable.of(9, sample(9).routes(), List.of(web));
        Path file = dir.resolve("proxy/routes.json");
        RouteCache cache = new RouteCache(file);
        cache.save(table);
        RouteTable loaded = new RouteCache(file).load().orElseThrow();
        assertEquals(table.asMap(), loaded.asMap());
        assertEquals(Map.of("web", web), loaded.certificates());
        assertEquals(web.key(), loaded.certificates().get("web").key(), "the key too: the proxy serves it after a restart");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        cache.save(RouteTable.of(10, List.of(), List.of(web)));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file), "every save");
    }

    @Test
    void aFileFromBeforeCertificatesLoadsWithNone() throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, "{\"format\":1,\"version\":4,\"routes\":[{\"key\":{\"protocol\":\"HTTP\",\"host\":\"a.x\",\"listenPort\":0},"
                + "\"instanceId\":\"i\",\"backend\":{\"host\":\"127.0.0.1\",\"port\":80}}]}");
        RouteTable loaded = new RouteCache(file).load().orElseThrow();
        assertEquals(4, loaded.version());
        assertEquals(1, loaded.size());
        assertTrue(loaded.certificates().isEmpty());
    }

    @Test
    void tlsTerminationSurvivesARestart() throws Exception {
        Route terminated = new Route(RouteKey.tls("a3f4b92c8d.ctf.example.com"), "inst-5", new Endpoint("10.0.0.5", 1337), true);
        List<Route> routes = new java.util.ArrayList<>(sample(7).routes());
        routes.add(terminated);
        RouteCache cache = new RouteCache(dir.resolve("routes.json"));
        cache.save(RouteTable.of(7, routes));
        RouteTable loaded = new RouteCache(dir.resolve("routes.json")).load().orElseThrow();
        assertEquals(terminated, loaded.findTls("a3f4b92c8d.ctf.example.com"));
        assertFalse(loaded.findTls("x.tls.example.com").terminateTls(), "passthrough stays passthrough");
        assertEquals(RouteTable.of(7, routes).asMap(), loaded.asMap());
    }

    @Test
    void thePROXYProtocolSurvivesARestart() throws Exception {
        Route tcp = new Route(RouteKey.tcp(31337), "inst-6", new Endpoint("10.0.0.5", 1337), false, ProxyProtocolVersion.V2);
        RouteCache cache = new RouteCache(dir.resolve("routes.json"));
        cache.save(RouteTable.of(8, List.of(tcp)));
        assertEquals(tcp, new RouteCache(dir.resolve("routes.json")).load().orElseThrow().findTcp(31337));
    }

    @Test
    void aFileFromBeforeTlsTerminationLoadsAsPassthrough() throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, "{\"format\":1,\"version\":5,\"routes\":[{\"key\":{\"protocol\":\"tls\",\"host\":\"s.x\","
                + "\"listenPort\":0},\"instanceId\":\"i\",\"backend\":{\"host\":\"127.0.0.1\",\"port\":8443}}],\"certificates\":[]}");
        RouteTable loaded = new RouteCache(file).load().orElseThrow();
        assertEquals(new Route(RouteKey.tls("s.x"), "i", new Endpoint("127.0.0.1", 8443), false), loaded.findTls("s.x"));
    }

    @Test
    void tornTempFileFromACrashIsIgnoredAndRemoved() throws Exception {
        Path file = dir.resolve("routes.json");
        RouteCache cache = new RouteCache(file);
        cache.save(sample(7));
        // A crash in the middle of the next save leaves a half-written temp file beside the good one.
        Path torn = dir.resolve(".routes.json.123456.tmp");
        Files.writeString(torn, "{\"format\":1,\"version\":8,\"routes\":[{\"key\":{\"proto");
        RouteTable loaded = cache.load().orElseThrow();
        assertEquals(7, loaded.version());
        assertEquals(4, loaded.size());
        cache.save(sample(8));
        assertFalse(Files.exists(torn), "the next save clears leftovers");
        assertEquals(8, cache.load().orElseThrow().version());
    }

    @Test
    void corruptMainFileMeansNoCacheNotACrash() throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, "{\"format\":1,\"vers");
        assertTrue(new RouteCache(file).load().isEmpty());
        Files.writeString(file, "{\"format\":99,\"version\":1,\"routes\":[]}");
        assertTrue(new RouteCache(file).load().isEmpty());
    }

    @Test
    void noTempFilesLeftBehind() throws Exception {
        RouteCache cache = new RouteCache(dir.resolve("routes.json"));
        for (int i = 0; i < 20; i++) {
            cache.save(sample(i));
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("routes.json")), s.toList());
        }
    }
}
