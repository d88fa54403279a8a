package dev.berth.model.certs;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/** Whether a private key belongs to a certificate's public key. */
public final class KeyPairs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairs() {
    }

    /**
     * Signs a random challenge with {@code key} and verifies it with {@code publicKey}: the one
     * test that works alike for every RSA and EC encoding, and the one a TLS handshake makes.
     */
    public static boolean match(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("key: " + key.getAlgorithm() + " keys are not supported; use an RSA or EC key");
        };
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (InvalidKeyException | java.security.SignatureException e) {
            // A key on another curve, or of another size, cannot verify: not this certificate's key.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot " + algorithm, e);
        }
    }
}
