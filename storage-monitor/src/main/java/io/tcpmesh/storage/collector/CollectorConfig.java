package io.tcpmesh.storage.collector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The collector's own settings.
 *
 * @param db           the SQLite file
 * @param reports      where each finished run's report goes (RUN.txt, RUN.json, RUN.html)
 * @param expect       agents a run waits for before it can finish (0: any number, at least one)
 * @param exitWhenDone exit once the first run finishes
 * @param tick         how often heartbeats and lost connections are checked
 * @param helloTimeout a connection must have said HELLO this long after it opened
 */
public record CollectorConfig(Path db, Path reports, int expect, boolean exitWhenDone, Duration tick, Duration helloTimeout) {
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

    public CollectorConfig {
        Objects.requireNonNull(db, "--db cannot be null");
        Objects.requireNonNull(reports, "--reports cannot be null");
        if (expect < 0) {
            throw new IllegalArgumentException("--expect cannot be negative, not " + expect);
        }
        if (tick == null || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive");
        }
        if (helloTimeout == null || helloTimeout.isNegative() || helloTimeout.isZero()) {
            throw new IllegalArgumentException("helloTimeout must be positive");
        }
    }

    public CollectorConfig(Path db, Path reports, int expect, boolean exitWhenDone) {
        this(db, reports, expect, exitWhenDone, Duration.ofMillis(100), HELLO_TIMEOUT);
    }

    public CollectorConfig withHelloTimeout(Duration timeout) {
        return new CollectorConfig(db, reports, expect, exitWhenDone, tick, timeout);
    }
}
