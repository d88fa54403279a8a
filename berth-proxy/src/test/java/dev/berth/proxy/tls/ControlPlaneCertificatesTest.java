package dev.berth.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.berth.model.certs.ServingCertificate;
import dev.berth.testing.TestCertificates;
import dev.berth.proxy.testutil.ServingCerts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ControlPlaneCertificatesTest {
    static final TestCertificates.Issued CA = TestCertificates.ca("Control Plane CA");

    static ServingCertificate expiringIn(String name, long days, String... names) {
        Instant now = Instant.now();
        return ServingCerts.of(name, TestCertificates.leaf(CA, TestCertificates.KeyType.EC, now.minusSeconds(60),
                now.plusSeconds(days * 86_400), names));
    }

    static Map<String, ServingCertificate> byName(ServingCertificate... certificates) {
        Map<String, ServingCertificate> m = new TreeMap<>();
        for (ServingCertificate c : certificates) {
            m.put(c.name(), c);
        }
        return m;
    }

    @Test
    void theCertificateThatExpiresLastWinsASharedNameThenTheFirstByName() {
        ControlPlaneCertificates plane = new ControlPlaneCertificates(new ServerContexts(true));
        ServingCertificate old = expiringIn("a-old", 5, "*.example.com");
        ServingCertificate renewed = expiringIn("z-renewed", 60, "*.example.com");
        List<ServedCertificate> served = plane.update(byName(old, renewed));
        SniCertificates sni = SniCertificates.of(served, List.of(), plane.firstByName());
        assertEquals("control plane 'z-renewed'", sni.select("a.example.com").source(), "later expiry wins, though it sorts last");
        assertEquals("control plane 'a-old'", plane.firstByName().source(), "the default: first by name");

        ServingCertificate twinA = expiringIn("twin-a", 30, "www.example.com");
        ServingCertificate twinB = new ServingCertificate("twin-b", twinA.certificate(), twinA.key(), twinA.dnsNames(),
                twinA.notAfter(), twinA.fingerprint());
        SniCertificates twins = SniCertificates.of(plane.update(byName(twinB, twinA)), List.of(), null);
        assertEquals("control plane 'twin-a'", twins.select("www.example.com").source(), "same expiry: first by name");
    }

    @Test
    void unchangedCertificatesKeepTheirContextAndBrokenOnesAreLeftOut() {
        ControlPlaneCertificates plane = new ControlPlaneCertificates(new ServerContexts(true));
        ServingCertificate web = expiringIn("web", 30, "*.example.com");
        ServedCertificate first = plane.update(byName(web)).get(0);

        ServingCertificate other = expiringIn("other", 30, "other.example.com");
        ServingCertificate broken = new ServingCertificate("broken", "garbage", "garbage", List.of("broken.example.com"), 1, "00");
        List<ServedCertificate> next = plane.update(byName(web, other, broken));
        assertEquals(2, next.size(), "the broken one is left out, the others served");
        assertSame(first.context(), next.stream().filter(s -> s.source().contains("'web'")).findFirst().orElseThrow().context(),
                "no rebuild for a certificate that did not change");

        ServingCertificate renewed = expiringIn("web", 30, "*.example.com");
        ServedCertificate rebuilt = plane.update(byName(renewed)).get(0);
        assertEquals(false, rebuilt.context() == first.context(), "a replaced certificate gets a new context");
        assertNull(new ControlPlaneCertificates(new ServerContexts(true)).firstByName());
    }
}
