package io.tcpmesh.storage.collector;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The collector's backpressure, all of it: a connection's reads are suspended while more than
 * {@link #SUSPEND_ABOVE} of its messages wait for the database thread, and resumed once fewer than
 * {@link #RESUME_BELOW} do. One per connection; thread-safe.
 */
final class ReadBacklog {
    static final int SUSPEND_ABOVE = 2000;
    static final int RESUME_BELOW = 200;

    private final AtomicInteger waiting = new AtomicInteger();

    /** On the I/O thread: a message was handed to the database thread. */
    void queued(Connection connection) {
        if (waiting.incrementAndGet() > SUSPEND_ABOVE) {
            connection.suspendReads();
        }
    }

    /** On the database thread: a message of this connection was handled. */
    void handled(Connection connection) {
        if (waiting.decrementAndGet() < RESUME_BELOW && connection.readsSuspended()) {
            connection.resumeReads();
        }
    }

    int waiting() {
        return waiting.get();
    }
}
