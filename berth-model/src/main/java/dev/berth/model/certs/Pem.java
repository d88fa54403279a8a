package dev.berth.model.certs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The blocks of a PEM text ({@code -----BEGIN TYPE----- base64 -----END TYPE-----}), decoded. */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");

    /** One block: its type ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its DER bytes. */
    record Block(String type, byte[] der) {
    }

    private Pem() {
    }

    /**
     * Every block, in order; text between blocks (openssl's "Bag Attributes", comments) is skipped.
     *
     * @param what names the input in error messages ("certificate", "key")
     * @throws IllegalArgumentException for a block that is not plain base64: a corrupt copy, or
     *                                  a key encrypted the old OpenSSL way (with Proc-Type headers)
     */
    static List<Block> blocks(String text, String what) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
                throw new IllegalArgumentException(what + ": the " + m.group(1)
                        + " is encrypted; give it unencrypted (openssl pkey -in KEY -out KEY.plain)");
            }
            if (!BASE64.matcher(body).matches()) {
                throw new IllegalArgumentException(what + ": the " + m.group(1) + " block is not valid base64");
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": the " + m.group(1) + " block is not valid base64", e);
            }
        }
        return out;
    }
}
