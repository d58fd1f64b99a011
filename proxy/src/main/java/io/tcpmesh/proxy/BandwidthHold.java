package io.tcpmesh.proxy;

import io.tcpmesh.coordination.server.ReadThrottle;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code MaxBandwidthPerConnection} for one direction of one connection: the bytes read from a side spend the
 * bucket's tokens; a read that leaves it in debt holds that side's {@link ReadThrottle} until the debt is paid
 * back at the configured rate. Thread-safe.
 */
final class BandwidthHold {
    private final TokenBucket bucket;
    private final ScheduledExecutorService timer;

    BandwidthHold(long bytesPerSecond, ScheduledExecutorService timer) {
        this.bucket = new TokenBucket(bytesPerSecond, System.nanoTime());
        this.timer = timer;
    }

    /** {@code bytes} were read through {@code reads}: hold it while the bucket is in debt. */
    void spend(int bytes, ReadThrottle reads) {
        long wait = bucket.take(bytes, System.nanoTime());
        // held already (a read came before the hold took effect): the pending release re-checks the debt
        if (wait > 0 && reads.hold()) {
            releaseAfter(wait, reads);
        }
    }

    private void releaseAfter(long nanos, ReadThrottle reads) {
        timer.schedule(() -> release(reads), nanos, TimeUnit.NANOSECONDS);
    }

    private void release(ReadThrottle reads) {
        long wait = bucket.take(0, System.nanoTime());
        if (wait > 0) {
            releaseAfter(wait, reads);
        } else {
            reads.release();
        }
    }
}
