package dev.berth.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** Which certificate a name gets, and which source wins a name both claim. */
class SniCertificatesTest {
    static ServedCertificate served(String source, String... names) throws SSLException {
        // Any distinct context will do: the test compares identities.
        var context = SslContextBuilder.forClient().build();
        return new ServedCertificate(source, List.of(names), context, context);
    }

    @Test
    void exactThenWildcardOneLabelUpThenTheDefault() throws Exception {
        ServedCertificate exact = served("exact", "a.example.com");
        ServedCertificate wildcard = served("wildcard", "*.example.com");
        ServedCertificate fallback = served("fallback", "default.test");
        SniCertificates sni = SniCertificates.of(List.of(exact, wildcard), List.of(fallback), fallback);
        assertSame(exact, sni.select("a.example.com"));
        assertSame(exact, sni.select("A.Example.COM."), "names are compared as clients mean them");
        assertSame(wildcard, sni.select("b.example.com"));
        assertSame(fallback, sni.select("x.b.example.com"), "a wildcard covers exactly one label");
        assertSame(fallback, sni.select("example.com"), "nor the bare domain");
        assertSame(fallback, sni.select(null), "no SNI");
        assertSame(fallback, sni.select("default.test"));
    }

    @Test
    void aFileCertificateWinsANameTheControlPlaneAlsoClaims() throws Exception {
        ServedCertificate plane = served("control plane", "a.example.com", "*.example.com");
        ServedCertificate file = served("file", "a.example.com", "*.example.com");
        SniCertificates sni = SniCertificates.of(List.of(plane), List.of(file), file);
        assertSame(file, sni.select("a.example.com"));
        assertSame(file, sni.select("b.example.com"));
    }

    @Test
    void aMoreSpecificNameWinsWhateverItsSource() throws Exception {
        ServedCertificate fileWildcard = served("file", "*.example.com");
        ServedCertificate planeExact = served("control plane", "a.example.com");
        SniCertificates sni = SniCertificates.of(List.of(planeExact), List.of(fileWildcard), fileWildcard);
        assertSame(planeExact, sni.select("a.example.com"));
        assertSame(fileWildcard, sni.select("b.example.com"));
    }

    @Test
    void laterEntriesOfOneSourceWin() throws Exception {
        ServedCertificate older = served("older", "a.example.com");
        ServedCertificate newer = served("newer", "a.example.com");
        assertSame(newer, SniCertificates.of(List.of(older, newer), List.of(), null).select("a.example.com"));
        assertSame(newer, SniCertificates.of(List.of(), List.of(older, newer), null).select("a.example.com"));
    }

    @Test
    void withoutADefaultAnUnknownNameGetsNothing() throws Exception {
        SniCertificates sni = SniCertificates.of(List.of(served("p", "a.example.com")), List.of(), null);
        assertNull(sni.select("b.example.com"));
        assertNull(SniCertificates.NONE.select("a.example.com"));
    }
}
