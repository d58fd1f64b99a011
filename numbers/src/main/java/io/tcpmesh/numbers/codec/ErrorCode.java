package io.tcpmesh.numbers.codec;

/** The codes of {@code ERR} lines. A retryable error asks the client to reconnect later. */
public enum ErrorCode {
    MALFORMED(false),
    UNSUPPORTED(false),
    UNKNOWN(false),
    EXPIRED(false),
    MISMATCH(false),
    OFFLINE(true),
    BUSY(true),
    UNAVAILABLE(true),
    FULL(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    public String wire() {
        return name().toLowerCase();
    }

    public String line(String message) {
        return "ERR " + wire() + " " + message;
    }

    /** The code of an {@code ERR} line's code word, or null if there is no such code. */
    public static ErrorCode of(String word) {
        for (ErrorCode c : values()) {
            if (c.wire().equals(word)) {
                return c;
            }
        }
        return null;
    }
}
