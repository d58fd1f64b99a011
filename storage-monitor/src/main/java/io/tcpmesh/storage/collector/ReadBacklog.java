package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.server.ReadThrottle;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The collector's backpressure, all of it: a connection's reads are suspended while more than
 * {@link #SUSPEND_ABOVE} of its messages wait for the database thread, and resumed once fewer than
 * {@link #RESUME_BELOW} do: coordination's {@link ReadThrottle} over the connection, counting messages.
 * One per connection; thread-safe.
 */
final class ReadBacklog {
    static final int SUSPEND_ABOVE = 2000;
    static final int RESUME_BELOW = 200;

    private final AtomicInteger waiting = new AtomicInteger();
    private final ReadThrottle throttle;

    ReadBacklog(Connection connection) {
        this.throttle = new ReadThrottle(new ConnectionReads(connection), SUSPEND_ABOVE, RESUME_BELOW - 1);
    }

    /** On the I/O thread: a message was handed to the database thread. */
    void queued() {
        waiting.incrementAndGet();
        throttle.queued(waiting::get);
    }

    /** On the database thread: a message of this connection was handled. */
    void handled() {
        throttle.drained(waiting.decrementAndGet());
    }

    int waiting() {
        return waiting.get();
    }

    private record ConnectionReads(Connection connection) implements ReadThrottle.Reads {
        @Override
        public void suspend() {
            connection.suspendReads();
        }

        @Override
        public void resume() {
            connection.resumeReads();
        }

        @Override
        public boolean closing() {
            return false;
        }
    }
}
