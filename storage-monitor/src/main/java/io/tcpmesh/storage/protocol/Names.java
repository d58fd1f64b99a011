package io.tcpmesh.storage.protocol;

import java.util.regex.Pattern;

/**
 * Agent ids and run names: 1 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit,
 * never two dots in a row. A run name becomes a report file name, so it can never be {@code ..} or hold
 * a '/'.
 */
public final class Names {
    public static final String RULE = "1 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit, no '..'";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private Names() {
    }

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }
}
