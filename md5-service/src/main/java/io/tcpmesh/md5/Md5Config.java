package io.tcpmesh.md5;

import java.time.Duration;
import java.util.Objects;

/**
 * The md5-service's own settings.
 *
 * @param idleTimeout    a connection that sends nothing for this long is closed without an answer
 *                       (whole seconds: MINA checks idleness once a second)
 * @param maxConnections connections served at once; past it, new ones are closed at once and counted
 * @param hashing        where the digest is computed
 * @param ioThreads      NioProcessor threads
 * @param maxBacklog     with {@link Hashing#EXECUTOR}, bytes read but not yet hashed per connection before
 *                       reading pauses
 * @param minRate        bytes per second a connection must send on average over each {@code rateWindow}
 *                       until it half-closes, or it is closed unanswered; 0 turns the check off
 * @param rateWindow     the window {@code minRate} is measured over, from the connection's start
 */
public record Md5Config(Duration idleTimeout, int maxConnections, Hashing hashing, int ioThreads, int maxBacklog,
                        long minRate, Duration rateWindow) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_BACKLOG = 1 << 20;
    public static final long DEFAULT_MIN_RATE = 1024;
    public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(30);

    public Md5Config {
        Objects.requireNonNull(idleTimeout, "--idle-timeout cannot be null");
        Objects.requireNonNull(hashing, "--hashing cannot be null");
        Objects.requireNonNull(rateWindow, "--min-rate-window cannot be null");
        if (idleTimeout.toMillis() < 1000 || idleTimeout.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("--idle-timeout must be a whole number of seconds, at least 1s, not "
                    + idleTimeout.toMillis() + "ms");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1, not " + maxConnections);
        }
        if (ioThreads < 1 || ioThreads > 256) {
            throw new IllegalArgumentException("--io-threads must be in 1..256, not " + ioThreads);
        }
        if (maxBacklog < 64 * 1024) {
            throw new IllegalArgumentException("--max-backlog must be at least 64K, not " + maxBacklog);
        }
        if (minRate < 0) {
            throw new IllegalArgumentException("--min-rate must be 0 (off) or more bytes per second, not " + minRate);
        }
        if (rateWindow.toMillis() < 1000) {
            throw new IllegalArgumentException("--min-rate-window must be at least 1s, not " + rateWindow.toMillis() + "ms");
        }
    }

    public static Md5Config defaults() {
        return new Md5Config(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Hashing.IO,
                Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BACKLOG, DEFAULT_MIN_RATE, DEFAULT_RATE_WINDOW);
    }

    public Md5Config withIdleTimeout(Duration timeout) {
        return new Md5Config(timeout, maxConnections, hashing, ioThreads, maxBacklog, minRate, rateWindow);
    }

    public Md5Config withMaxConnections(int max) {
        return new Md5Config(idleTimeout, max, hashing, ioThreads, maxBacklog, minRate, rateWindow);
    }

    public Md5Config withHashing(Hashing mode) {
        return new Md5Config(idleTimeout, maxConnections, mode, ioThreads, maxBacklog, minRate, rateWindow);
    }

    public Md5Config withIoThreads(int threads) {
        return new Md5Config(idleTimeout, maxConnections, hashing, threads, maxBacklog, minRate, rateWindow);
    }

    public Md5Config withMinRate(long bytesPerSecond, Duration window) {
        return new Md5Config(idleTimeout, maxConnections, hashing, ioThreads, maxBacklog, bytesPerSecond, window);
    }

    /** The bytes a connection must send in each window; 0 when the check is off. */
    public long minBytesPerWindow() {
        return minRate * rateWindow.toMillis() / 1000;
    }

    public int idleSeconds() {
        return Math.toIntExact(idleTimeout.toSeconds());
    }
}
