package io.tcpmesh.coordination;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long a leader may act on its leadership: until a point on the monotonic clock, for one election
 * node of one ZooKeeper session.
 *
 * <p>A grant is earned by a request sent at {@code sentAt} whose answer proved the election node
 * still belonged to the session; it lasts {@link #length(int)} from the moment the request was sent,
 * never from the answer. The clock is {@link System#nanoTime()} (Linux's CLOCK_MONOTONIC), which goes on
 * counting while the process is frozen, so a check made after a freeze sees the time the freeze took.
 * Thread-safe: one volatile grant, replaced whole.
 */
public final class Lease {
    private record Grant(String path, long sessionId, long untilNanos) {
    }

    private static final Grant NONE = new Grant(null, 0, Long.MIN_VALUE);

    private final LongSupplier clock;
    private volatile Grant grant = NONE;

    public Lease() {
        this(System::nanoTime);
    }

    Lease(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * The lease a confirmation earns: half the negotiated session timeout. ZooKeeper expires a session
     * no earlier than one timeout after it last heard from it; the other half is the margin (see
     * docs/echo-node.md for what it covers).
     */
    public static Duration length(int negotiatedSessionTimeoutMillis) {
        return Duration.ofMillis(Math.max(1, negotiatedSessionTimeoutMillis / 2));
    }

    /** How often a leader confirms its node: a tenth of the session timeout, five chances per lease. */
    public static Duration renewEvery(int negotiatedSessionTimeoutMillis) {
        return Duration.ofMillis(Math.max(20, negotiatedSessionTimeoutMillis / 10));
    }

    /** Now on the lease's clock. */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * Extends the lease for this node and session to {@code sentAt + length}. A grant for another node
     * or session replaces the old one; for the same one, only a later end counts.
     */
    public synchronized void extend(String path, long sessionId, long sentAt, Duration length) {
        long until = sentAt + length.toNanos();
        Grant old = grant;
        if (old.path != null && old.path.equals(path) && old.sessionId == sessionId && old.untilNanos >= until) {
            return;
        }
        grant = new Grant(path, sessionId, until);
    }

    /** Ends the lease at once (the session expired, the node went). */
    public synchronized void revoke() {
        grant = NONE;
    }

    /** True while the lease holds for this node. */
    public boolean holds(String path) {
        Grant g = grant;
        return path != null && path.equals(g.path) && clock.getAsLong() - g.untilNanos < 0;
    }

    /** Nanoseconds until the lease lapses (negative once it has). */
    public long remainingNanos() {
        return grant.untilNanos == Long.MIN_VALUE ? Long.MIN_VALUE : grant.untilNanos - clock.getAsLong();
    }
}
