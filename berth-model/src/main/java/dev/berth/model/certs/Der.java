package dev.berth.model.certs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough DER to look inside private keys: read a tag-length-value, list a sequence's
 * elements, print an object identifier, and write a TLV. Not a general ASN.1 library; anything
 * it does not understand is an {@link IllegalArgumentException}.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} constructed, explicit: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xa0;

    private Der() {
    }

    /** One element: its tag and where its content lies in {@code source}. */
    record Tlv(int tag, byte[] source, int offset, int contentStart, int length) {
        int end() {
            return contentStart + length;
        }

        /** The whole element, tag and length included. */
        byte[] encoded() {
            return java.util.Arrays.copyOfRange(source, offset, end());
        }

        List<Tlv> children() {
            List<Tlv> out = new ArrayList<>();
            int at = contentStart;
            while (at < end()) {
                Tlv child = read(source, at, end());
                out.add(child);
                at = child.end();
            }
            return out;
        }
    }

    /** The single element that makes up {@code der}, which must hold nothing after it. */
    static Tlv parse(byte[] der) {
        Tlv t = read(der, 0, der.length);
        if (t.end() != der.length) {
            throw new IllegalArgumentException("trailing bytes after the DER structure");
        }
        return t;
    }

    static Tlv read(byte[] b, int offset, int limit) {
        if (offset + 2 > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        int tag = b[offset] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IllegalArgumentException("multi-byte DER tags are not supported");
        }
        int first = b[offset + 1] & 0xff;
        int at = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 4 || at + bytes > limit) {
                throw new IllegalArgumentException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (b[at++] & 0xff);
            }
        }
        if (at + length > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        return new Tlv(tag, b, offset, at, (int) length);
    }

    /** Dotted form of an OBJECT IDENTIFIER element, e.g. {@code 1.2.840.10045.2.1}. */
    static String oid(Tlv t) {
        if (t.tag() != OID || t.length() == 0) {
            throw new IllegalArgumentException("expected an object identifier");
        }
        StringBuilder out = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = t.contentStart(); i < t.end(); i++) {
            value = (value << 7) | (t.source()[i] & 0x7f);
            if ((t.source()[i] & 0x80) == 0) {
                if (first) {
                    long arc1 = Math.min(value / 40, 2);
                    out.append(arc1).append('.').append(value - arc1 * 40);
                    first = false;
                } else {
                    out.append('.').append(value);
                }
                value = 0;
            }
        }
        return out.toString();
    }

    /** A TLV of {@code tag} around the concatenated {@code contents}. */
    static byte[] encode(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : contents) {
            body.writeBytes(c);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
