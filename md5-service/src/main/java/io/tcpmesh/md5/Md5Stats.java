package io.tcpmesh.md5;

import io.prometheus.metrics.core.metrics.Histogram;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the server has done since it started. Thread-safe. */
public final class Md5Stats {
    final AtomicInteger open = new AtomicInteger();
    final LongAdder accepted = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder idle = new LongAdder();
    final LongAdder slow = new LongAdder();
    final LongAdder abandoned = new LongAdder();
    final LongAdder bytes = new LongAdder();
    /** How many bytes each answered connection hashed; registered on /metrics by {@link Md5Metrics}. */
    final Histogram digestSizes = Histogram.builder().name("tcpmesh_md5_digest_input_bytes")
            .help("Bytes hashed per digest answered").classicOnly()
            .classicExponentialUpperBounds(64, 4, 10).build();

    /** One connection answered with the digest of {@code length} bytes. */
    void digested(long length) {
        answered.increment();
        digestSizes.observe(length);
    }

    /** Connections being served now (the rejected ones not included). */
    public int open() {
        return open.get();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long answered() {
        return answered.sum();
    }

    /** Connections closed at once because {@code --max-connections} were open. */
    public long rejected() {
        return rejected.sum();
    }

    /** Connections closed, unanswered, after the idle timeout. */
    public long idle() {
        return idle.sum();
    }

    /** Connections closed, unanswered, for sending under {@code --min-rate}. */
    public long slow() {
        return slow.sum();
    }

    /** Connections that ended (reset, error, shutdown) before the client half-closed. */
    public long abandoned() {
        return abandoned.sum();
    }

    /** Bytes hashed. */
    public long bytes() {
        return bytes.sum();
    }

    @Override
    public String toString() {
        return "accepted " + accepted() + ", answered " + answered() + ", rejected " + rejected() + ", idle "
                + idle() + ", slow " + slow() + ", abandoned " + abandoned() + ", " + bytes() + " bytes hashed";
    }
}
