package io.tcpmesh.numbers.codec;

/** The two kinds of stream. */
public enum Variant {
    /** Seeded PRNG stream whose session the server keeps; ends with a CRC-32. */
    STATEFUL,
    /** {@code a, 2a, 4a, ...}; the client carries everything needed to resume; ends with the sum. */
    STATELESS;

    public String wire() {
        return name().toLowerCase();
    }

    /** The variant of a wire word, or null. */
    public static Variant of(String word) {
        for (Variant v : values()) {
            if (v.wire().equals(word)) {
                return v;
            }
        }
        return null;
    }
}
