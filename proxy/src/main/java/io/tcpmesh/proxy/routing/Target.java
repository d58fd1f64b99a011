package io.tcpmesh.proxy.routing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend address of one app, with its health and its counters.
 *
 * <p>The address is resolved off the I/O threads (by {@link HealthChecker}); until it is, {@link #address()}
 * is null. A target that fails a connection leaves rotation ({@link #markDown}) until an active TCP check
 * succeeds. Thread-safe; counters are cheap enough for the forwarding path.
 */
public final class Target {
    public enum State { UP, DOWN, GONE }

    private final String host;
    private final int port;
    private final String origin;
    private volatile InetSocketAddress address;
    private volatile State state = State.UP;
    private volatile String reason = "";
    private volatile long lastChange = System.currentTimeMillis();
    private volatile long nextCheckAt;
    private volatile long backoffMillis;
    private volatile boolean resolutionTried;

    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder retries = new LongAdder();

    public Target(String host, int port, String origin) {
        this.host = host;
        this.port = port;
        this.origin = origin;
        if (isLiteral(host)) {
            resolved(literal(host));
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code static} or the discovered instance id. */
    public String origin() {
        return origin;
    }

    public String key() {
        return host + ":" + port;
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean resolutionTried() {
        return resolutionTried;
    }

    void resolved(InetAddress a) {
        resolutionTried = true;
        address = a == null ? null : new InetSocketAddress(a, port);
    }

    public State state() {
        return state;
    }

    public boolean isUp() {
        return state == State.UP;
    }

    public String reason() {
        return reason;
    }

    public long lastChange() {
        return lastChange;
    }

    /** Takes the target out of rotation; the next active check comes after the back-off. */
    public synchronized void markDown(String why, long now) {
        if (state == State.GONE) {
            return;
        }
        if (state != State.DOWN) {
            state = State.DOWN;
            lastChange = now;
            backoffMillis = HealthChecker.FIRST_BACKOFF_MILLIS;
            nextCheckAt = now + backoffMillis;
        }
        reason = why;
    }

    synchronized void checkFailed(String why, long now) {
        reason = why;
        backoffMillis = Math.min(backoffMillis * 2, HealthChecker.MAX_BACKOFF_MILLIS);
        nextCheckAt = now + backoffMillis;
    }

    synchronized void markUp(long now) {
        if (state == State.DOWN) {
            state = State.UP;
            lastChange = now;
            reason = "check passed";
        }
    }

    synchronized void markGone(long now) {
        state = State.GONE;
        lastChange = now;
        reason = "left ZooKeeper";
    }

    /** A target that left ZooKeeper registered again (same instance id and address): back in rotation, totals kept. */
    synchronized void markBack(long now) {
        if (state == State.GONE) {
            state = State.UP;
            lastChange = now;
            reason = "registered again";
        }
    }

    boolean checkDue(long now) {
        return state == State.DOWN && now >= nextCheckAt;
    }

    public int active() {
        return active.get();
    }

    public void connected() {
        active.incrementAndGet();
        total.increment();
    }

    public void disconnected() {
        active.decrementAndGet();
    }

    public void connectFailed() {
        connectFailures.increment();
    }

    public void retried() {
        retries.increment();
    }

    public void bytesIn(int n) {
        bytesIn.add(n);
    }

    public void bytesOut(int n) {
        bytesOut.add(n);
    }

    public TargetStats stats() {
        return new TargetStats(key(), origin, state.name().toLowerCase(), reason, active.get(), total.sum(),
                bytesIn.sum(), bytesOut.sum(), connectFailures.sum(), retries.sum(), lastChange);
    }

    static boolean isLiteral(String host) {
        return host.matches("[0-9.]+") || host.indexOf(':') >= 0;
    }

    private static InetAddress literal(String host) {
        try {
            return InetAddress.getByName(host); // a literal: no lookup
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return key();
    }
}
