package io.tcpmesh.coordination.server;

import org.apache.mina.core.session.IoSession;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Backpressure for one session: stops reading it while the bytes it has queued toward its peer (another
 * session's write queue, a worker's backlog) are above a high water mark, and reads it again once they
 * have fallen to the low water mark. MINA's write queue is unbounded; this is what bounds it.
 *
 * <p>Threading: {@link #queued} is called by whoever queues the reader's bytes, normally the reader's own
 * I/O thread; {@link #drained} by whoever takes them off the queue, from any thread. The throttle's state
 * and the session's read suspension change together, under the throttle's lock, so a resume from one
 * thread cannot slip in between another thread's check and suspension. On sessions served by
 * {@link OneReadProcessor} (every {@link MinaTcpServer}, and the proxy's processors) a resume from a foreign
 * thread takes effect at once on the session's own I/O thread, not at the selector's next round.
 *
 * <p>A caller may also {@link #hold()} reading for a reason of its own (a bandwidth cap): reading resumes only
 * once neither the water marks nor a hold keep it suspended. Once {@link #stop()} is called (the peer
 * half-closed, the session is done) reads stay suspended and later drains or releases do not resume them.
 */
public final class ReadThrottle {
    /** What a throttle suspends and resumes: a MINA session's reads, or a stand-in in a test without sockets. */
    public interface Reads {
        void suspend();

        void resume();

        /** A closing reader is not resumed. */
        boolean closing();
    }

    private final Reads reader;
    private final long highWater;
    private final long lowWater;
    private volatile boolean paused; // written under this
    private boolean held; // guarded by this
    private boolean stopped; // guarded by this

    /** Suspends reading {@code session} above {@code highWater} queued bytes, resumes at {@code lowWater} or fewer. */
    public ReadThrottle(IoSession session, long highWater, long lowWater) {
        this(of(Objects.requireNonNull(session, "session cannot be null")), highWater, lowWater);
    }

    public ReadThrottle(Reads reader, long highWater, long lowWater) {
        this.reader = Objects.requireNonNull(reader, "reader cannot be null");
        if (lowWater < 0 || lowWater >= highWater) {
            throw new IllegalArgumentException("water marks must satisfy 0 <= low < high, got low " + lowWater + ", high " + highWater);
        }
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    private static Reads of(IoSession session) {
        return new Reads() {
            @Override
            public void suspend() {
                session.suspendRead();
            }

            @Override
            public void resume() {
                session.resumeRead();
            }

            @Override
            public boolean closing() {
                return session.isClosing();
            }
        };
    }

    public long highWater() {
        return highWater;
    }

    public long lowWater() {
        return lowWater;
    }

    /**
     * Bytes were queued; {@code level} reads how many are queued now. Above the high water mark reading is
     * suspended, and the level is read once more: if the peer drained it in between, reading resumes at once.
     * Returns whether reading is suspended.
     */
    public boolean queued(LongSupplier level) {
        if (level.getAsLong() > highWater) {
            pause();
            drained(level.getAsLong());
        }
        return paused;
    }

    /** The peer took bytes; {@code level} is how many are still queued. At the low water mark or below, reading resumes. */
    public void drained(long level) {
        if (paused && level <= lowWater) {
            resume();
        }
    }

    /** Suspends reading regardless of the level (for a peer that is not there yet). */
    public synchronized void pause() {
        if (!paused && !stopped) {
            paused = true;
            reader.suspend();
        }
    }

    /** Resumes reading regardless of the level, unless held or stopped. */
    public synchronized void resume() {
        if (paused && !stopped) {
            paused = false;
            resumeUnlessHeld();
        }
    }

    /** Suspends reading for the caller's own reason until {@link #release()}; false if it was held already. */
    public synchronized boolean hold() {
        if (held || stopped) {
            return false;
        }
        held = true;
        reader.suspend();
        return true;
    }

    /** Ends a {@link #hold()}; reading resumes unless the water marks keep it suspended. */
    public synchronized void release() {
        if (held) {
            held = false;
            resumeUnlessHeld();
        }
    }

    private void resumeUnlessHeld() {
        if (!paused && !held && !stopped && !reader.closing()) {
            reader.resume();
        }
    }

    /** Suspends reading for good: nothing more is to be read from this session. */
    public synchronized void stop() {
        stopped = true;
        paused = false;
        held = false;
        reader.suspend();
    }

    /** Whether reading is suspended by the water marks (not counting {@link #stop()}). */
    public boolean isPaused() {
        return paused;
    }
}
