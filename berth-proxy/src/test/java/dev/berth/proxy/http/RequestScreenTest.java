package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * What is refused before routing, and what passes (in a shape backends expect). The same answers
 * on the wire are in {@link HttpHardeningTest}; here each rule is pinned on its own.
 */
class RequestScreenTest {
    private static final long MAX_BODY = 1000;
    private final ViaLoopGuard via = new ViaLoopGuard("berth-test");

    private static RequestHead head(HttpMethod method, String target, String... fields) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return RequestHead.of(r);
    }

    private RequestScreen.Rejection check(RequestHead req) {
        return RequestScreen.check(req, RequestScreen.host(req), via, MAX_BODY);
    }

    private void assertRefused(int status, String message, boolean close, RequestHead req) {
        RequestScreen.Rejection r = check(req);
        assertEquals(status, r == null ? 0 : r.status().code(), "status for " + req.target());
        assertTrue(r.message().contains(message), r.message());
        assertEquals(close, r.close(), "closes the connection");
    }

    @Test
    void anOrdinaryRequestPassesWithItsHostNormalized() {
        RequestHead req = head(HttpMethod.GET, "/flag?x=1", "Host", "A3F4.CTF.Example.com:80");
        assertEquals("a3f4.ctf.example.com", RequestScreen.host(req));
        assertNull(check(req));
        assertEquals("/flag?x=1", req.target());
    }

    @Test
    void hostMustBeThereOnceAndValid() {
        assertRefused(400, "missing Host", false, head(HttpMethod.GET, "/"));
        assertRefused(400, "more than one Host", false, head(HttpMethod.GET, "/", "Host", "a.example.com", "Host", "b.example.com"));
        assertRefused(400, "invalid Host", false, head(HttpMethod.GET, "/", "Host", "a b.example.com"));
    }

    @Test
    void anAbsoluteTargetNamingTheHostBecomesOriginForm() {
        RequestHead req = head(HttpMethod.GET, "http://App.example.com:80/a?b", "Host", "app.example.com");
        assertNull(check(req));
        assertEquals("/a?b", req.target());
        RequestHead bare = head(HttpMethod.GET, "https://app.example.com", "Host", "app.example.com");
        assertNull(check(bare));
        assertEquals("/", bare.target());
    }

    @Test
    void anAbsoluteTargetNamingAnotherHostOrCarryingUserinfoIsRefused() {
        assertRefused(400, "does not match Host", true, head(HttpMethod.GET, "http://other.example.com/", "Host", "app.example.com"));
        assertRefused(400, "does not match Host", true,
                head(HttpMethod.GET, "http://app.example.com@other.example.com/", "Host", "app.example.com"));
        assertRefused(400, "invalid request target", true, head(HttpMethod.GET, "ftp://app.example.com/", "Host", "app.example.com"));
    }

    @Test
    void optionsStarPassesAndConnectIsRefused() {
        assertNull(check(head(HttpMethod.OPTIONS, "*", "Host", "app.example.com")));
        assertRefused(405, "not a forward proxy", true, head(HttpMethod.CONNECT, "app.example.com:443", "Host", "app.example.com"));
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedAtTheHead() {
        assertNull(check(head(HttpMethod.POST, "/", "Host", "app.example.com", "Content-Length", String.valueOf(MAX_BODY))));
        assertRefused(413, "larger than 1000 bytes", true,
                head(HttpMethod.POST, "/", "Host", "app.example.com", "Content-Length", String.valueOf(MAX_BODY + 1)));
        assertNull(RequestScreen.check(head(HttpMethod.POST, "/", "Host", "app.example.com", "Content-Length", "999999"),
                "app.example.com", via, 0), "0: no limit");
    }

    @Test
    void aRequestThisProxyForwardedBeforeIsALoop() {
        assertRefused(508, "request loop", true, head(HttpMethod.GET, "/", "Host", "app.example.com", "Via", "1.1 lb, 1.1 berth-test"));
        assertNull(check(head(HttpMethod.GET, "/", "Host", "app.example.com", "Via", "1.1 berth-other")));
    }
}
