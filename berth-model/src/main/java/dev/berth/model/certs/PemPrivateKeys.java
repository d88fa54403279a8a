package dev.berth.model.certs;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * Reads an unencrypted PEM private key, RSA or EC, in the three encodings tools write:
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: openssl 3, certbot, step, Berth's own), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}: openssl ecparam,
 * cfssl). The JDK reads only PKCS#8, so the other two are wrapped into PKCS#8 first; their
 * inner structure is exactly what PKCS#8 carries for those algorithms.
 */
public final class PemPrivateKeys {
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    /** Names of key algorithms Berth does not serve, for a clearer refusal than an OID. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "1.3.101.112", "Ed25519", "1.3.101.113", "Ed448", "1.2.840.10040.4.1", "DSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS");
    /** AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = Der.encode(Der.SEQUENCE,
            new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01},
            new byte[] {0x05, 0x00});
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemPrivateKeys() {
    }

    /**
     * The one private key in {@code pem}.
     *
     * @throws IllegalArgumentException saying what is wrong, starting with "key: "
     */
    public static PrivateKey read(String pem) {
        List<Pem.Block> blocks = Pem.blocks(pem, "key");
        List<Pem.Block> keys = blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(blocks.stream().anyMatch(b -> b.type().equals("CERTIFICATE"))
                    ? "key: holds a certificate, not a private key (certificate and key swapped?)"
                    : "key: no PEM private key in it (-----BEGIN PRIVATE KEY-----)");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException("key: holds " + keys.size() + " private keys; give exactly one");
        }
        Pem.Block b = keys.get(0);
        try {
            return switch (b.type()) {
                case "PRIVATE KEY" -> pkcs8(b.der());
                case "RSA PRIVATE KEY" -> generate("RSA", Der.encode(Der.SEQUENCE, VERSION_0, RSA_ALGORITHM,
                        Der.encode(Der.OCTET_STRING, b.der())));
                case "EC PRIVATE KEY" -> generate("EC", sec1ToPkcs8(b.der()));
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "key: is encrypted; give it unencrypted (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.plain)");
                default -> throw new IllegalArgumentException("key: " + b.type()
                        + " is not supported; give an RSA or EC key as PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 or SEC1");
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("key: ")) {
                throw e;
            }
            throw new IllegalArgumentException("key: the " + b.type() + " is malformed (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) {
        List<Der.Tlv> info = Der.parse(der).children();
        if (info.size() < 3 || info.get(1).tag() != Der.SEQUENCE || info.get(1).children().isEmpty()) {
            throw new IllegalArgumentException("not a PKCS#8 PrivateKeyInfo");
        }
        String oid = Der.oid(info.get(1).children().get(0));
        return switch (oid) {
            case RSA_ENCRYPTION -> generate("RSA", der);
            case EC_PUBLIC_KEY -> generate("EC", der);
            default -> throw new IllegalArgumentException("key: " + UNSUPPORTED.getOrDefault(oid, "algorithm " + oid)
                    + " keys are not supported; use an RSA or EC key");
        };
    }

    /**
     * SEC1's ECPrivateKey names its curve in its optional {@code [0]} field; PKCS#8 names it in the
     * AlgorithmIdentifier and carries the ECPrivateKey unchanged as its key octets.
     */
    private static byte[] sec1ToPkcs8(byte[] sec1) {
        byte[] curve = null;
        for (Der.Tlv field : Der.parse(sec1).children()) {
            if (field.tag() == Der.CONTEXT_0) {
                Der.Tlv oid = field.children().get(0);
                Der.oid(oid); // must be a named curve, not explicit parameters
                curve = oid.encoded();
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("key: the EC PRIVATE KEY does not name its curve; convert it to PKCS#8"
                    + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        }
        return Der.encode(Der.SEQUENCE, VERSION_0, Der.encode(Der.SEQUENCE, EC_PUBLIC_KEY_OID, curve),
                Der.encode(Der.OCTET_STRING, sec1));
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key: not a valid " + algorithm + " private key (" + oneLine(e) + ")", e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
