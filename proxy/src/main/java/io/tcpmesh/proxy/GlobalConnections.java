package io.tcpmesh.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The proxy's open client connections under the global {@code MaxConnections}, and the refusals. Thread-safe. */
final class GlobalConnections {
    private final IntSupplier max;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();

    GlobalConnections(IntSupplier max) {
        this.max = max;
    }

    /** Admits a connection under the cap ({@code 0}: none); false (counted) when full. */
    boolean admit() {
        int cap = max.getAsInt();
        if (active.incrementAndGet() > cap && cap > 0) {
            active.decrementAndGet();
            rejected.increment();
            return false;
        }
        return true;
    }

    void released() {
        active.decrementAndGet();
    }

    int active() {
        return active.get();
    }

    long rejected() {
        return rejected.sum();
    }

    /** Waits until no connection is open, or the timeout passes; how many are still open. */
    int awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return active.get();
    }
}
