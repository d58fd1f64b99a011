package io.tcpmesh.coordination;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter", for whatever retries (reconnecting clients, the service watch,
 * the echo master port's bind, the proxy's health checks, the storage agent's link):
 * attempt {@code k} waits a random time in {@code [d/2, d]} where {@code d = min(cap, base * 2^k)}. Never
 * zero, so a client whose server is down never spins; never above the cap; and clients cut off together
 * do not come back together.
 *
 * <p>Use it statelessly with {@link #delayMillis(int)}, or count attempts here with {@link #next()} and
 * {@link #reset()}. Not thread-safe when counting.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;
    private int attempt;

    /**
     * @throws IllegalArgumentException if {@code base} is under 1 ms or {@code cap} is shorter than it (a
     *         caller that takes them from options checks them first, and names its options in its error)
     */
    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = Objects.requireNonNull(base, "base cannot be null");
        this.cap = Objects.requireNonNull(cap, "cap cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        if (base.toMillis() < 1) {
            throw new IllegalArgumentException("base must be at least 1ms, not " + base.toMillis() + " ms");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap (" + cap.toMillis() + " ms) cannot be shorter than base (" + base.toMillis() + " ms)");
        }
    }

    public Backoff(Duration base, Duration cap) {
        this(base, cap, new Random());
    }

    /** The wait before retry number {@code attempt} (0 for the first retry), in milliseconds. */
    public long delayMillis(int attempt) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 0), 30));
        long half = ceiling / 2;
        return ceiling - half + random.nextLong(half + 1);
    }

    /** The next wait; each call doubles the ceiling up to the cap. */
    public Duration next() {
        return Duration.ofMillis(delayMillis(attempt++));
    }

    /** After progress: start again from the base. */
    public void reset() {
        attempt = 0;
    }
}
