package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.Durations;

import java.time.Duration;
import java.util.Objects;

/**
 * The numbers server's configuration.
 *
 * @param interval    time between two messages of a stream ({@code --interval})
 * @param expiry      how long a disconnected stateful session is kept ({@code --expiry})
 * @param failEvery   drop a connection after every N-th message of its stream, 0 never ({@code --fail-every})
 * @param offlineFor  after such a drop, refuse new connections this long ({@code --offline-for})
 * @param store       where stateful sessions live ({@code --store})
 * @param maxSessions most connections served at once; more are refused with {@code ERR full} ({@code --max-sessions})
 * @param helloTimeout how long after connecting a client's HELLO line must be complete ({@code --hello-timeout})
 */
public record NumbersConfig(Duration interval, Duration expiry, int failEvery, Duration offlineFor, StoreKind store,
                            int maxSessions, Duration helloTimeout) {

    public NumbersConfig {
        Objects.requireNonNull(interval, "--interval cannot be null");
        Objects.requireNonNull(expiry, "--expiry cannot be null");
        Objects.requireNonNull(offlineFor, "--offline-for cannot be null");
        Objects.requireNonNull(store, "--store cannot be null");
        Objects.requireNonNull(helloTimeout, "--hello-timeout cannot be null");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("--interval must be at least 1ms, not " + Durations.format(interval));
        }
        if (expiry.toMillis() < 1) {
            throw new IllegalArgumentException("--expiry must be at least 1ms, not " + Durations.format(expiry));
        }
        if (failEvery < 0) {
            throw new IllegalArgumentException("--fail-every cannot be negative: " + failEvery);
        }
        if (offlineFor.isNegative()) {
            throw new IllegalArgumentException("--offline-for cannot be negative");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("--max-sessions must be positive, not " + maxSessions);
        }
        if (helloTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("--hello-timeout must be at least 1ms, not " + Durations.format(helloTimeout));
        }
    }

    public static NumbersConfig defaults() {
        return new NumbersConfig(Duration.ofSeconds(1), Duration.ofSeconds(30), 0, Duration.ZERO, StoreKind.ZOOKEEPER,
                20_000, Duration.ofSeconds(10));
    }

    public NumbersConfig withInterval(Duration d) {
        return new NumbersConfig(d, expiry, failEvery, offlineFor, store, maxSessions, helloTimeout);
    }

    public NumbersConfig withExpiry(Duration d) {
        return new NumbersConfig(interval, d, failEvery, offlineFor, store, maxSessions, helloTimeout);
    }

    public NumbersConfig withFailures(int every, Duration offline) {
        return new NumbersConfig(interval, expiry, every, offline, store, maxSessions, helloTimeout);
    }

    public NumbersConfig withStore(StoreKind kind) {
        return new NumbersConfig(interval, expiry, failEvery, offlineFor, kind, maxSessions, helloTimeout);
    }

    public NumbersConfig withHelloTimeout(Duration d) {
        return new NumbersConfig(interval, expiry, failEvery, offlineFor, store, maxSessions, d);
    }

    /** How often expired sessions are swept: half the expiry, within 50 ms .. 10 s. */
    public Duration sweepPeriod() {
        long ms = Math.max(50, Math.min(10_000, expiry.toMillis() / 2));
        return Duration.ofMillis(ms);
    }
}
