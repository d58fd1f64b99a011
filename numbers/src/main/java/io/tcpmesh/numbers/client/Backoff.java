package io.tcpmesh.numbers.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt {@code k} waits a random time in
 * {@code [d/2, d]} where {@code d = min(cap, base * 2^k)}. Never zero, so a client whose server is down
 * never spins; never above the cap.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = Objects.requireNonNull(base, "base cannot be null");
        this.cap = Objects.requireNonNull(cap, "cap cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        if (base.toMillis() < 1) {
            throw new IllegalArgumentException("--backoff must be at least 1ms");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("--max-backoff cannot be shorter than --backoff");
        }
    }

    /** The next wait; each call doubles the ceiling up to the cap. */
    public Duration next() {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 30));
        attempt++;
        long half = ceiling / 2;
        return Duration.ofMillis(ceiling - half + random.nextLong(half + 1));
    }

    /** After progress: start again from the base. */
    public void reset() {
        attempt = 0;
    }
}
