package io.tcpmesh.numbers.sequence;

/**
 * The stateful stream: message {@code i} (0-based) of the stream seeded with {@code seed} is the upper
 * 32 bits of the SplitMix64 output number {@code i}, read as an unsigned integer.
 *
 * <p>SplitMix64's state after {@code i + 1} steps is {@code seed + (i + 1) * GAMMA}, so any position is
 * computed directly: nothing but the seed is kept, whatever the stream's length.
 */
public final class StatefulSequence {
    static final long GAMMA = 0x9E3779B97F4A7C15L;

    private StatefulSequence() {
    }

    /** SplitMix64 output number {@code index} (0-based) for the seed. */
    public static long splitMix64(long seed, long index) {
        long z = seed + (index + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Message {@code index}: a uint32 in 0..4294967295. */
    public static long value(long seed, int index) {
        return splitMix64(seed, index) >>> 32;
    }

    /** The checksum of the whole stream of {@code count} messages, computed from the seed. */
    public static String checksum(long seed, int count) {
        Checksum checksum = new Checksum();
        for (int i = 0; i < count; i++) {
            checksum.add(Long.toString(value(seed, i)));
        }
        return checksum.hex();
    }
}
