package io.tcpmesh.coordination.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waits for tests. Every timeout is multiplied by the system property {@code tcpmesh.timing}
 * (default 1), so a slow machine stretches them all at once: {@code mvn verify -Dtcpmesh.timing=3}.
 * A wait polls its condition; it never sleeps in place of a condition.
 */
public final class Timing {
    private static final long POLL_MILLIS = 10;

    private Timing() {
    }

    public static double multiplier() {
        return Double.parseDouble(System.getProperty("tcpmesh.timing", "1"));
    }

    /** The duration stretched by the multiplier. */
    public static Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * multiplier()));
    }

    public static Duration seconds(long s) {
        return scaled(Duration.ofSeconds(s));
    }

    public static Duration millis(long ms) {
        return scaled(Duration.ofMillis(ms));
    }

    /** Waits until the condition holds; fails naming what was awaited. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition::getAsBoolean, ok -> ok);
    }

    /** Waits until the supplied value passes the test, and returns it; fails with the last value seen. */
    public static <T> T await(String what, Duration timeout, Supplier<T> supplier, Predicate<? super T> test) {
        long deadline = System.nanoTime() + scaled(timeout).toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = supplier.get();
                lastError = null;
                if (test.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("timed out after " + scaled(timeout).toMillis()
                        + " ms waiting for " + what + "; last seen: " + last);
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            pause();
        }
    }

    /** Checks that a condition holds at every observation for the whole duration. */
    public static void holdsFor(String what, Duration duration, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(duration).toNanos();
        while (System.nanoTime() < deadline) {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("stopped holding: " + what);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
