package dev.berth.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1 message head held as its bytes, with the offsets of its field lines: what both
 * directions of the proxy need to forward a head by copying its lines (minus the hop-by-hop
 * ones) without building header objects. It classifies each field name once while parsing
 * ({@link #fieldKind}) and keeps what frames the body and what Connection says.
 *
 * <p>Field syntax is strict for both directions: a field name is a token directly followed by a
 * colon (whitespace before it is refused: RFC 9112 5.1), no obs-fold, no control characters in
 * values, at most one Content-Length. Two parsers that disagree on a message are what request
 * smuggling needs, so anything another parser could read differently is refused, never guessed.
 * Subclasses parse the start line ({@link RequestHead}, {@link ResponseParser}).
 */
abstract class HeadFields {
    /** What a field name means to the proxy. */
    static final byte OTHER_FIELD = 0;
    static final byte HOP_FIELD = 1; // Keep-Alive, Proxy-Connection, TE, Trailer, Proxy-Authorization
    static final byte CONNECTION_FIELD = 2;
    static final byte UPGRADE_FIELD = 3;
    static final byte CONTENT_LENGTH_FIELD = 4;
    static final byte TRANSFER_ENCODING_FIELD = 5;
    static final byte HOST_FIELD = 6;
    static final byte FORWARDED_FOR_FIELD = 7; // X-Forwarded-For: a request's is appended to
    static final byte FORWARDING_FIELD = 8; // X-Forwarded-Proto/-Host, X-Real-IP: a request's are replaced
    static final byte VIA_FIELD = 9;

    static final int CRLF_SHORT = ('\r' << 8) | '\n';
    static final int COLON_SP_SHORT = (':' << 8) | ' ';

    static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
    static final AsciiString CONNECTION = AsciiString.cached("connection");
    private static final AsciiString[] HOP_NAMES = {AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            AsciiString.cached("te"), AsciiString.cached("trailer"), AsciiString.cached("proxy-authorization")};
    private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString VIA = AsciiString.cached("via");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString[] FORWARDING_NAMES = {AsciiString.cached("x-forwarded-proto"),
            AsciiString.cached("x-forwarded-host"), AsciiString.cached("x-real-ip")};

    /** The head's bytes, from its first byte to the end of its empty line. */
    protected byte[] hb = new byte[256];
    protected int headLength;
    /** Index of the start line's first terminator byte. */
    protected int startLineEnd;
    protected HttpVersion version;
    private int fields;
    private int[] lines = new int[4 * 16]; // per field: nameStart, nameEnd, valueStart, valueEnd
    private byte[] kinds = new byte[16];
    private int hostCount;
    private int firstHost;
    private long contentLength;
    private boolean transferEncoding;
    private int transferEncodingFields;
    private boolean onlyChunked;
    private boolean chunked;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean connectionUpgrade;
    /** Lower-case field names listed in Connection besides close/keep-alive; null when none. */
    private List<String> connectionNames;

    /** Parses the start line in {@code b[0, end)}; returns a problem or null. */
    protected abstract String parseStartLine(byte[] b, int end);

    /** Whether every line must end with CRLF (requests), or a bare LF is accepted too (responses, RFC 9112 2.2). */
    protected abstract boolean crlfOnly();

    /** Copies the head {@code src[from, from + length)} and parses it; returns a problem or null. */
    final String parse(ByteBuf src, int from, int length) {
        if (hb.length < length) {
            hb = new byte[Math.max(length, hb.length * 2)];
        }
        // One copy; parsing then runs on plain bytes (no per-byte bounds checks).
        src.getBytes(from, hb, 0, length);
        headLength = length;
        return parseLines(hb, length);
    }

    private String parseLines(byte[] b, int end) {
        fields = 0;
        hostCount = 0;
        firstHost = -1;
        contentLength = -1;
        transferEncoding = false;
        transferEncodingFields = 0;
        onlyChunked = false;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        connectionNames = null;
        boolean crlfOnly = crlfOnly();
        int lineEnd = indexOf(b, 0, end, (byte) '\n');
        if (lineEnd < 0) {
            return "truncated head";
        }
        int startEnd = lineEnd > 0 && b[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        if (crlfOnly && startEnd == lineEnd) {
            return "line ends with a bare LF";
        }
        String problem = parseStartLine(b, startEnd);
        if (problem != null) {
            return problem;
        }
        startLineEnd = startEnd;
        int pos = lineEnd + 1;
        while (true) {
            int nl = indexOf(b, pos, end, (byte) '\n');
            if (nl < 0) {
                return "truncated head";
            }
            int e = nl > pos && b[nl - 1] == '\r' ? nl - 1 : nl;
            if (crlfOnly && e == nl) {
                return "line ends with a bare LF";
            }
            if (e == pos) {
                return null; // the empty line
            }
            problem = parseField(b, pos, e);
            if (problem != null) {
                return problem;
            }
            pos = nl + 1;
        }
    }

    private String parseField(byte[] b, int from, int end) {
        byte first = b[from];
        if (first == ' ' || first == '\t') {
            return "obsolete line folding";
        }
        int colon = -1;
        for (int i = from; i < end; i++) {
            byte c = b[i];
            if (c == ':') {
                colon = i;
                break;
            }
            if (!TOKEN[c & 0xff]) {
                return "invalid header name";
            }
        }
        if (colon <= from) {
            return "invalid header line";
        }
        int vs = colon + 1;
        while (vs < end && isWhite(b[vs])) {
            vs++;
        }
        int ve = end;
        while (ve > vs && isWhite(b[ve - 1])) {
            ve--;
        }
        if (!validValue(b, vs, ve)) {
            return "control character in a header value";
        }
        int n = fields * 4;
        if (n + 4 > lines.length) {
            lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            kinds = java.util.Arrays.copyOf(kinds, kinds.length * 2);
        }
        lines[n] = from;
        lines[n + 1] = colon;
        lines[n + 2] = vs;
        lines[n + 3] = ve;
        byte kind = kindOf(b, from, colon);
        kinds[fields] = kind;
        switch (kind) {
            case CONTENT_LENGTH_FIELD -> {
                if (contentLength >= 0) {
                    return "more than one Content-Length";
                }
                long v = parseLength(b, vs, ve);
                if (v < 0) {
                    return "invalid Content-Length";
                }
                contentLength = v;
            }
            case TRANSFER_ENCODING_FIELD -> {
                transferEncoding = true;
                transferEncodingFields++;
                chunked = lastTokenIsChunked(b, vs, ve);
                onlyChunked = transferEncodingFields == 1 && ve - vs == 7 && equalsIgnoreCase(b, vs, "chunked");
            }
            case CONNECTION_FIELD -> connectionTokens(b, vs, ve);
            case HOST_FIELD -> {
                if (hostCount++ == 0) {
                    firstHost = fields;
                }
            }
            default -> {
            }
        }
        fields++;
        return null;
    }

    // ------------------------------------------------------------------ the parsed head

    HttpVersion version() {
        return version;
    }

    /** The Content-Length, or -1 when there is none or Transfer-Encoding overrides it. */
    long contentLength() {
        return transferEncoding ? -1 : contentLength;
    }

    /** Whether a Content-Length field is present, whatever else the head says. */
    boolean hasContentLength() {
        return contentLength >= 0;
    }

    boolean chunked() {
        return chunked;
    }

    boolean hasTransferEncoding() {
        return transferEncoding;
    }

    /** How many Transfer-Encoding fields the head has (their values make one list). */
    int transferEncodingFields() {
        return transferEncodingFields;
    }

    /** Transfer-Encoding is one field saying just "chunked": no other coding, nothing to combine. */
    boolean onlyChunked() {
        return onlyChunked;
    }

    /** Netty's HttpUtil.isKeepAlive, on the raw head. */
    boolean keepAlive() {
        return !connectionClose && (version.isKeepAliveDefault() || connectionKeepAlive);
    }

    /** Whether Connection lists "upgrade". */
    boolean connectionUpgrade() {
        return connectionUpgrade;
    }

    int hostCount() {
        return hostCount;
    }

    /** The first Host field's value, or null. */
    String hostValue() {
        return firstHost < 0 ? null : fieldValue(firstHost);
    }

    int fieldCount() {
        return fields;
    }

    /** One of the {@code *_FIELD} kinds. */
    byte fieldKind(int i) {
        return kinds[i];
    }

    /** Whether the value of field {@code i} is {@code lowerValue}, ignoring case. */
    boolean fieldValueIs(int i, String lowerValue) {
        int s = lines[i * 4 + 2];
        return lines[i * 4 + 3] - s == lowerValue.length() && equalsIgnoreCase(hb, s, lowerValue);
    }

    /** Whether the value of field {@code i} contains {@code bytes} (case-sensitive). */
    boolean fieldValueContains(int i, byte[] bytes) {
        int s = lines[i * 4 + 2];
        int last = lines[i * 4 + 3] - bytes.length;
        outer:
        for (int at = s; at <= last; at++) {
            for (int k = 0; k < bytes.length; k++) {
                if (hb[at + k] != bytes[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    boolean fieldValueEmpty(int i) {
        return lines[i * 4 + 3] == lines[i * 4 + 2];
    }

    boolean fieldNamedInConnection(int i) {
        if (connectionNames == null) {
            return false;
        }
        int s = lines[i * 4];
        int e = lines[i * 4 + 1];
        for (String n : connectionNames) {
            if (n.length() == e - s && equalsIgnoreCase(hb, s, n)) {
                return true;
            }
        }
        return false;
    }

    String fieldName(int i) {
        return new String(hb, lines[i * 4], lines[i * 4 + 1] - lines[i * 4], StandardCharsets.ISO_8859_1);
    }

    String fieldValue(int i) {
        return new String(hb, lines[i * 4 + 2], lines[i * 4 + 3] - lines[i * 4 + 2], StandardCharsets.ISO_8859_1);
    }

    /** Size of the raw head, for sizing a copy. */
    int headLength() {
        return headLength;
    }

    /** Appends field {@code i} as received (name, colon, value; whitespace normalized) and its CRLF. */
    void writeField(int i, ByteBuf out) {
        int n = i * 4;
        out.writeBytes(hb, lines[n], lines[n + 1] - lines[n]);
        out.writeShort(COLON_SP_SHORT);
        out.writeBytes(hb, lines[n + 2], lines[n + 3] - lines[n + 2]);
        out.writeShort(CRLF_SHORT);
    }

    /** Appends the value of field {@code i}. */
    void writeFieldValue(int i, ByteBuf out) {
        out.writeBytes(hb, lines[i * 4 + 2], lines[i * 4 + 3] - lines[i * 4 + 2]);
    }

    /** Appends the first Host field's value. */
    void writeHostValue(ByteBuf out) {
        writeFieldValue(firstHost, out);
    }

    /** Appends the whole head as received. */
    void writeRawHead(ByteBuf out) {
        out.writeBytes(hb, 0, headLength);
    }

    // ------------------------------------------------------------------ syntax

    private static byte kindOf(byte[] b, int from, int end) {
        switch (end - from) {
            case 2, 19 -> {
                return nameIn(b, from, end, HOP_NAMES) ? HOP_FIELD : OTHER_FIELD;
            }
            case 3 -> {
                return nameIs(b, from, end, VIA) ? VIA_FIELD : OTHER_FIELD;
            }
            case 4 -> {
                return nameIs(b, from, end, HOST) ? HOST_FIELD : OTHER_FIELD;
            }
            case 7 -> {
                return nameIs(b, from, end, UPGRADE) ? UPGRADE_FIELD
                        : nameIn(b, from, end, HOP_NAMES) ? HOP_FIELD : OTHER_FIELD;
            }
            case 9 -> {
                return nameIn(b, from, end, FORWARDING_NAMES) ? FORWARDING_FIELD : OTHER_FIELD;
            }
            case 10 -> {
                return nameIs(b, from, end, CONNECTION) ? CONNECTION_FIELD
                        : nameIn(b, from, end, HOP_NAMES) ? HOP_FIELD : OTHER_FIELD;
            }
            case 14 -> {
                return nameIs(b, from, end, CONTENT_LENGTH) ? CONTENT_LENGTH_FIELD : OTHER_FIELD;
            }
            case 15 -> {
                return nameIs(b, from, end, X_FORWARDED_FOR) ? FORWARDED_FOR_FIELD : OTHER_FIELD;
            }
            case 16 -> {
                return nameIn(b, from, end, HOP_NAMES) ? HOP_FIELD
                        : nameIn(b, from, end, FORWARDING_NAMES) ? FORWARDING_FIELD : OTHER_FIELD;
            }
            case 17 -> {
                return nameIs(b, from, end, TRANSFER_ENCODING) ? TRANSFER_ENCODING_FIELD
                        : nameIn(b, from, end, FORWARDING_NAMES) ? FORWARDING_FIELD : OTHER_FIELD;
            }
            default -> {
                return OTHER_FIELD;
            }
        }
    }

    /** Whether the name {@code b[from, end)} is one of {@code lowerNames}, ignoring case. */
    private static boolean nameIn(byte[] b, int from, int end, AsciiString[] lowerNames) {
        for (AsciiString n : lowerNames) {
            if (nameIs(b, from, end, n)) {
                return true;
            }
        }
        return false;
    }

    private static long parseLength(byte[] b, int from, int end) {
        if (from == end || end - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < end; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean lastTokenIsChunked(byte[] b, int from, int end) {
        int comma = from - 1;
        for (int i = end - 1; i >= from; i--) {
            if (b[i] == ',') {
                comma = i;
                break;
            }
        }
        int s = comma + 1;
        while (s < end && isWhite(b[s])) {
            s++;
        }
        return end - s == 7 && equalsIgnoreCase(b, s, "chunked");
    }

    private void connectionTokens(byte[] b, int from, int end) {
        int s = from;
        while (s <= end) {
            int e = s;
            while (e < end && b[e] != ',') {
                e++;
            }
            int ts = s;
            int te = e;
            while (ts < te && isWhite(b[ts])) {
                ts++;
            }
            while (te > ts && isWhite(b[te - 1])) {
                te--;
            }
            if (te > ts) {
                if (te - ts == 5 && equalsIgnoreCase(b, ts, "close")) {
                    connectionClose = true;
                } else if (te - ts == 10 && equalsIgnoreCase(b, ts, "keep-alive")) {
                    connectionKeepAlive = true;
                } else {
                    if (te - ts == 7 && equalsIgnoreCase(b, ts, "upgrade")) {
                        connectionUpgrade = true;
                    }
                    if (connectionNames == null) {
                        connectionNames = new ArrayList<>(2);
                    }
                    connectionNames.add(new String(b, ts, te - ts, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                }
            }
            s = e + 1;
        }
    }

    private static final long CHUNK_SIZE_INVALID = -1;
    private static final long CHUNK_SIZE_TOO_LARGE = -2;
    private static final long CHUNK_EXTENSION_INVALID = -3;

    /**
     * The size on a chunk-size line {@code b[from, end)} (without its line end): hex digits, then
     * nothing, or whitespace or ';' starting extensions, which are ignored but may hold no control
     * characters. A negative result is a refusal: {@link #chunkSizeProblem} says which.
     */
    static long chunkSize(ByteBuf b, int from, int end) {
        long size = 0;
        int digits = 0;
        int i = from;
        for (; i < end; i++) {
            int d = Character.digit(b.getByte(i), 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                return CHUNK_SIZE_TOO_LARGE;
            }
            size = size * 16 + d;
        }
        if (digits == 0 || (i < end && b.getByte(i) != ';' && !isWhite(b.getByte(i)))) {
            return CHUNK_SIZE_INVALID;
        }
        for (; i < end; i++) {
            byte c = b.getByte(i);
            if (isControl(c)) {
                return CHUNK_EXTENSION_INVALID;
            }
        }
        return size;
    }

    static String chunkSizeProblem(long refusal) {
        return refusal == CHUNK_SIZE_TOO_LARGE ? "chunk size too large"
                : refusal == CHUNK_EXTENSION_INVALID ? "control character in a chunk extension" : "invalid chunk size";
    }

    /** What is wrong with trailer field line {@code b[from, end)} (without its line end), or null. */
    static String trailerLineProblem(ByteBuf b, int from, int end) {
        byte first = b.getByte(from);
        if (first == ' ' || first == '\t') {
            return "obsolete line folding in trailers";
        }
        int colon = -1;
        for (int i = from; i < end; i++) {
            byte c = b.getByte(i);
            if (c == ':') {
                colon = i;
                break;
            }
            if (!isTokenChar(c)) {
                return "invalid trailer name";
            }
        }
        if (colon <= from) {
            return "invalid trailer line";
        }
        for (int i = colon + 1; i < end; i++) {
            byte c = b.getByte(i);
            if (isControl(c)) {
                return "control character in a trailer";
            }
        }
        return null;
    }

    static int indexOf(byte[] b, int from, int end, byte v) {
        for (int i = from; i < end; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** A field value (or trailer, or chunk extension): no control characters but HTAB. */
    static boolean validValue(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            byte c = b[i];
            if (isControl(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A control character other than HTAB, which no field value, reason phrase or chunk extension
     * may hold. Bytes over 0x7f (obs-text, e.g. UTF-8) are not: they pass through as they came.
     */
    static boolean isControl(byte c) {
        int v = c & 0xff;
        return (v < 0x20 && v != '\t') || v == 0x7f;
    }

    static boolean isWhite(byte c) {
        return c == ' ' || c == '\t';
    }

    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            TOKEN[c] = tokenChar((byte) c);
        }
    }

    static boolean isTokenChar(byte c) {
        return TOKEN[c & 0xff];
    }

    static boolean nameIs(byte[] b, int from, int end, AsciiString lower) {
        if (end - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < end - from; i++) {
            byte c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean equalsIgnoreCase(byte[] b, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            byte c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean tokenChar(byte c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != ',' && c != '/' && c != ':' && c != ';' && c != '<'
                && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' && c != '\\' && c != ']' && c != '{' && c != '}'
                && c != '"';
    }
}
