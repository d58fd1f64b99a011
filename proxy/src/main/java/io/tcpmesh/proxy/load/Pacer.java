package io.tcpmesh.proxy.load;

/**
 * The intended send times of an open-loop run: the n-th request is due when the integral of the shape's rate
 * reaches n. A pure function of the shape, so it can be checked without a clock. Not thread-safe: one per worker.
 */
public final class Pacer {
    private final RateShape shape;
    private double credit;
    private long previousNanos;
    private long nextNanos;

    public Pacer(RateShape shape) {
        this.shape = shape;
        this.nextNanos = advance(0);
    }

    /** Nanoseconds after the start when the next request is due. */
    public long peek() {
        return nextNanos;
    }

    /** Takes the next due time and computes the one after it. */
    public long next() {
        long due = nextNanos;
        nextNanos = advance(due);
        return due;
    }

    /**
     * Integrates the rate from {@code from} in steps short enough to follow the shape (at most 1 ms, at most a
     * tenth of the current inter-request gap) until one request's worth of credit is reached.
     */
    private long advance(long from) {
        long t = Math.max(from, previousNanos);
        while (credit < 1) {
            double rate = Math.max(0, shape.rateAt(t / 1e9));
            long dt = rate > 0 ? (long) Math.min(1_000_000, Math.max(1, 1e8 / rate)) : 1_000_000;
            double gained = rate * dt / 1e9;
            if (credit + gained >= 1 && rate > 0) {
                long exact = (long) Math.ceil((1 - credit) / rate * 1e9);
                t += Math.max(1, Math.min(dt, exact));
                credit = 0;
                previousNanos = t;
                return t;
            }
            credit += gained;
            t += dt;
        }
        credit -= 1;
        previousNanos = t;
        return t;
    }
}
