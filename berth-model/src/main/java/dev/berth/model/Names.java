package dev.berth.model;

import java.util.regex.Pattern;

/**
 * The one syntax of names operators give to stored objects (templates, serving certificates):
 * a DNS label, so a name is safe in a URL path, a file name and a log line alike.
 */
public final class Names {
    /** What a valid name looks like, phrased to follow "name " in an error message. */
    public static final String RULE = "must be 1-63 lower-case letters, digits or '-' (not starting or ending with '-')";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
