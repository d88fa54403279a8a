package dev.berth.proxy.http;

import dev.berth.proxy.routing.HostNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The checks a request head passes before it is routed, and the answer it gets when it fails
 * one: what the decoder refused (400, 414, 431 ...), a missing, repeated or invalid Host (400), a
 * request that went round a loop (508), CONNECT (405), an absolute-form target naming another host
 * than Host (400: a routing trick), a declared body over the limit (413).
 */
final class RequestScreen {
    /** Why a request is answered by the proxy itself; {@code close}: the connection closes after the answer. */
    record Rejection(HttpResponseStatus status, String message, boolean close) {
    }

    static final HttpResponseStatus LOOP_DETECTED = new HttpResponseStatus(508, "Loop Detected");
    private static final Rejection NO_HOST = new Rejection(HttpResponseStatus.BAD_REQUEST, "missing Host header", false);
    private static final Rejection HOSTS = new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header", false);
    private static final Rejection BAD_HOST = new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Host header", false);
    private static final Rejection LOOP = new Rejection(LOOP_DETECTED,
            "request loop: this proxy has forwarded this request before", true);
    private static final Rejection CONNECT = new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "this is a reverse proxy, not a forward proxy", true);
    private static final Rejection OTHER_HOST = new Rejection(HttpResponseStatus.BAD_REQUEST,
            "absolute request target does not match Host", true);
    private static final Rejection BAD_TARGET = new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid request target", true);

    private RequestScreen() {
    }

    /** The request's Host, normalized for routing; null when it has none, several, or an invalid one. */
    static String host(RequestHead req) {
        return req.failure() == null && req.hostCount() == 1 ? HostNames.normalize(req.hostValue()) : null;
    }

    /**
     * Null when {@code req} may be routed, else why not. An absolute-form target that names
     * {@code host} is rewritten to origin form, as backends expect.
     *
     * @param host    {@link #host(RequestHead)} of the request
     * @param maxBody the largest request body allowed, 0 for no limit
     */
    static Rejection check(RequestHead req, String host, ViaLoopGuard via, long maxBody) {
        HttpResponseStatus failure = req.failure();
        if (failure != null) {
            return new Rejection(failure, failure == HttpResponseStatus.BAD_REQUEST ? "malformed request: " + req.problem()
                    : req.problem(), true);
        }
        if (req.hostCount() == 0) {
            return NO_HOST;
        }
        if (req.hostCount() > 1) {
            return HOSTS;
        }
        if (host == null) {
            return BAD_HOST;
        }
        if (via.forwardedBefore(req)) {
            return LOOP;
        }
        if (req.method() == HttpMethod.CONNECT) {
            return CONNECT;
        }
        if (!req.originForm()) {
            Rejection r = checkTarget(req, host);
            if (r != null) {
                return r;
            }
        }
        if (maxBody > 0 && req.contentLength() > maxBody) {
            return tooLarge(maxBody);
        }
        return null;
    }

    static Rejection tooLarge(long maxBody) {
        return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than " + maxBody + " bytes", true);
    }

    /** Origin-form is normal; absolute-form must name the same host as Host. */
    private static Rejection checkTarget(RequestHead req, String host) {
        String target = req.target();
        if ("*".equals(target) && req.method() == HttpMethod.OPTIONS) {
            return null;
        }
        int schemeEnd = target.indexOf("://");
        String scheme = schemeEnd > 0 ? target.substring(0, schemeEnd) : "";
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return BAD_TARGET;
        }
        int authStart = schemeEnd + 3;
        int pathStart = target.length();
        for (int i = authStart; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                pathStart = i;
                break;
            }
        }
        String authority = target.substring(authStart, pathStart);
        if (authority.indexOf('@') >= 0 || !host.equals(HostNames.normalize(authority))) {
            return OTHER_HOST;
        }
        String path = target.substring(pathStart);
        req.replaceTarget(path.isEmpty() || path.charAt(0) != '/' ? "/" + path : path);
        return null;
    }
}
