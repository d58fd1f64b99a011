package io.tcpmesh.coordination;

/**
 * Makes a peer-supplied string safe to put in a log line: a client can neither forge a line (CR, LF),
 * hide text (NUL, escapes, other controls) nor fill the log (the result is bounded).
 *
 * <p>Printable ASCII other than the backslash passes unchanged; the backslash becomes {@code \\};
 * {@code \n}, {@code \r} and {@code \t} keep their usual escapes; every other character below 0x20,
 * DEL, and everything outside ASCII is written as {@code \\uXXXX}. A string longer than
 * {@link #MAX_CHARS} is cut and ends with {@code ...(N chars)}.
 */
public final class LogText {
    /** The most characters of the original kept in one escaped value. */
    public static final int MAX_CHARS = 200;

    private LogText() {
    }

    /** The escaped form of {@code text}; {@code "null"} for null. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int kept = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(kept + 16);
        for (int i = 0; i < kept; i++) {
            append(out, text.charAt(i));
        }
        if (kept < text.length()) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /** The escaped form of {@code text} in double quotes, for values that may be empty or have spaces. */
    public static String quote(CharSequence text) {
        return text == null ? "null" : '"' + escape(text).replace("\"", "\\\"") + '"';
    }

    private static void append(StringBuilder out, char c) {
        switch (c) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (c >= 0x20 && c < 0x7f) {
                    out.append(c);
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
    }
}
