package dev.berth.proxy.routing;

/**
 * Turns what a client sent (a Host header, an SNI name, an absolute URI's authority) into the
 * form route keys use: lower-case, no port, no trailing dot. Returns {@code null} for anything
 * that is not a plausible host name, so a hostile header can never reach a lookup or an error page.
 */
public final class HostNames {
    private static final int MAX_LENGTH = 253;

    private HostNames() {
    }

    /** Normalizes a Host header value or authority ({@code Name.Example.COM.:8080} → {@code name.example.com}). */
    public static String normalize(CharSequence raw) {
        return normalize(raw, false);
    }

    /** Like {@link #normalize(CharSequence)} but also accepts a leading {@code *.} label, for route keys. */
    public static String normalizePattern(CharSequence raw) {
        return normalize(raw, true);
    }

    private static String normalize(CharSequence raw, boolean allowWildcard) {
        if (raw == null) {
            return null;
        }
        String s = raw.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        int end = s.length();
        if (s.charAt(0) == '[') {
            // IPv6 literal: keep the brackets off, never route on it but let it reach a 404 cleanly.
            int close = s.indexOf(']');
            if (close < 0 || !validPort(s, close + 1)) {
                return null;
            }
            String ip = s.substring(1, close).toLowerCase(java.util.Locale.ROOT);
            for (int i = 0; i < ip.length(); i++) {
                char c = ip.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
            return ip.isEmpty() ? null : ip;
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            if (!validPort(s, colon)) {
                return null;
            }
            end = colon;
        }
        if (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0 || end > MAX_LENGTH) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(end).append(s, 0, i);
                }
                out.append((char) (c + ('a' - 'A')));
                continue;
            }
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || (allowWildcard && c == '*'))) {
                return null;
            }
            if (out != null) {
                out.append(c);
            }
        }
        String host = out != null ? out.toString() : s.substring(0, end);
        if (host.contains("..") || host.startsWith(".")) {
            return null;
        }
        int star = host.indexOf('*');
        return star < 0 || (star == 0 && host.startsWith("*.") && host.indexOf('*', 1) < 0 && host.length() > 2)
                ? host : null;
    }

    /** {@code ":1234"} at {@code from}, or nothing at all. */
    private static boolean validPort(String s, int from) {
        if (from == s.length()) {
            return true;
        }
        if (s.charAt(from) != ':' || from + 1 == s.length() || s.length() - from - 1 > 5) {
            return false;
        }
        for (int i = from + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return Integer.parseInt(s, from + 1, s.length(), 10) <= 65535;
    }

    /** {@code a.example.com} → {@code example.com}: the suffix a one-label wildcard route is stored under. */
    public static String parentOf(String host) {
        int dot = host.indexOf('.');
        return dot < 0 || dot == host.length() - 1 ? null : host.substring(dot + 1);
    }
}
