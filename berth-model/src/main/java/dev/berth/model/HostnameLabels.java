package dev.berth.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Draws the 10-hex-character label that is both an instance's id and the first label of its
 * hostname. 40 random bits from a secure source: unguessable enough that hostnames are not
 * enumerable, short enough to type.
 */
public final class HostnameLabels {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HostnameLabels() {
    }

    public static String fresh(Set<String> taken) {
        byte[] bytes = new byte[5];
        while (true) {
            RANDOM.nextBytes(bytes);
            String label = HexFormat.of().formatHex(bytes);
            // A label of digits only would look like a port or a number to people and tools.
            if (!taken.contains(label) && !label.chars().allMatch(Character::isDigit)) {
                return label;
            }
        }
    }
}
