package io.tcpmesh.proxy;

/**
 * A byte rate for one direction of one connection: {@link #take} spends tokens (it may go into debt by one
 * read) and says how long the reader must wait until the debt is paid. Holds at most {@link #capacity} tokens,
 * so an idle connection cannot save up a burst larger than that. Thread-safe.
 */
final class TokenBucket {
    private final long bytesPerSecond;
    private final long capacity;
    private double tokens;
    private long last;

    TokenBucket(long bytesPerSecond, long now) {
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.min(bytesPerSecond, 64 * 1024);
        this.tokens = capacity;
        this.last = now;
    }

    /** Spends {@code bytes} at {@code now} (nanoseconds); the nanoseconds to wait before reading again, or 0. */
    synchronized long take(int bytes, long now) {
        tokens = Math.min(capacity, tokens + (now - last) * bytesPerSecond / 1e9);
        last = now;
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
    }
}
