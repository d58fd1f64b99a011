package io.tcpmesh.numbers.sequence;

import java.math.BigInteger;

/**
 * The stateless stream: message {@code i} is {@code a * 2^i}, exact (arbitrary precision, no
 * wrap-around), for a start {@code a} in 1..255. The last message of the longest stream (65535
 * messages) has 19,731 decimal digits.
 */
public final class StatelessSequence {
    public static final int MIN_START = 1;
    public static final int MAX_START = 0xff;

    private StatelessSequence() {
    }

    public static BigInteger value(int start, int index) {
        return BigInteger.valueOf(start).shiftLeft(index);
    }

    /** The sum of the first {@code count} messages: {@code a * (2^count - 1)}. */
    public static BigInteger sum(int start, int count) {
        return BigInteger.ONE.shiftLeft(count).subtract(BigInteger.ONE).multiply(BigInteger.valueOf(start));
    }
}
