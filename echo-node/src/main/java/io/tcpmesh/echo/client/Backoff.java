package io.tcpmesh.echo.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, initial * 2^n)}, so clients cut off together do not come back together.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("--backoff-initial must be positive, not " + initial.toMillis() + " ms");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("--backoff-max (" + max.toMillis() + " ms) cannot be shorter than --backoff-initial ("
                    + initial.toMillis() + " ms)");
        }
    }

    /** The delay before retry number {@code attempt} (0 for the first retry), in milliseconds. */
    public long delayMillis(int attempt) {
        long cap = initial.toMillis() << Math.min(attempt, 20);
        cap = Math.min(cap, max.toMillis());
        long half = cap / 2;
        return half + ThreadLocalRandom.current().nextLong(cap - half + 1);
    }
}
