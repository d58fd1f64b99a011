package io.tcpmesh.proxy;

import io.tcpmesh.coordination.server.ReadThrottle;
import io.tcpmesh.coordination.tls.TlsFilter;
import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.routing.DownReason;
import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.routing.Target;
import io.tcpmesh.proxy.tls.ProxyTls;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.future.WriteFuture;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One proxied connection: a client session, and the backend session it is forwarded to.
 *
 * <p>Threads: the client's events run on the client's I/O thread, the backend's on the backend's; both
 * may be different MINA processors. Only the connect phase (pending bytes, choosing the target) takes the
 * lock; forwarding does not. Read buffers from MINA are handed to the other session as they are.
 *
 * <p>Half-close: when one side's input closes (FIN), reads on it are suspended (or the selector spins on the
 * closed input) and, once the last write to the other side has reached the socket, that socket's output is
 * shut down, so the FIN follows every byte before it. The pair closes when both directions are done.
 *
 * <p>Backpressure: each side has a {@link ReadThrottle}: a side stops being read while the other side has more
 * than {@link #HIGH_WATER} bytes queued, and is read again when that falls to {@link #LOW_WATER}. The bandwidth
 * cap holds the same throttle ({@link BandwidthHold}); a side whose input closed is stopped for good.
 *
 * <p>First byte: with the app's {@code ResponseTimeout}, a target that has sent nothing back that long after
 * the last progress of the request (a client byte read, or a write to the target completed) has failed. With
 * {@code RetryOnNoResponse}, the client's bytes are kept (up to {@link #PENDING_LIMIT}) until the target's
 * first byte; a target that closes, resets or times out before it gets the kept bytes replayed, half-close
 * included, to the next target of the plan. While bytes are kept, the client's bytes go through the lock, so a
 * switch of target cannot come between keeping a buffer and writing it.
 */
final class ProxyConnection {
    static final AttributeKey PAIR = new AttributeKey(ProxyConnection.class, "pair");
    static final AttributeKey FUTURE = new AttributeKey(ProxyConnection.class, "future");
    private static final AttributeKey READS = new AttributeKey(ProxyConnection.class, "reads");
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = HIGH_WATER / 2;
    static final int PENDING_LIMIT = 64 * 1024;
    /** How long the side left behind may take to write what is queued for it before it is closed anyway. */
    static final long DRAIN_BOUND_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    private final Forwarding core;
    private final IoSession client;
    private final ProxiedApp app;
    private final InetAddress source;
    private final AppConfig config;
    private final List<Target> plan;
    private final long responseTimeoutNanos;
    private final long stallMillis;
    private final AtomicBoolean stallCheckArmed = new AtomicBoolean();
    private volatile long stallArmedAt;
    private int attempt;
    private ReplayBuffer replay;
    private volatile boolean keeping;
    private volatile boolean responded;
    private volatile long lastProgress = System.nanoTime();
    private final AtomicBoolean responseCheckArmed = new AtomicBoolean();
    private ArrayDeque<IoBuffer> pending = new ArrayDeque<>();
    private int pendingBytes;
    private ConnectFuture connecting;
    private Target connectingTarget;
    private volatile IoSession backend;
    private volatile Target target;
    private volatile boolean clientEof;
    private volatile IoSession resetBackend;
    private volatile WriteFuture lastToBackend;
    private volatile WriteFuture lastToClient;
    private final ReadThrottle clientReads;
    private final BandwidthHold upRate;
    private final BandwidthHold downRate;
    private final AtomicInteger outputsShut = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxyConnection(Forwarding core, IoSession client, ProxiedApp app, InetAddress source) {
        this.core = core;
        this.source = source;
        this.client = client;
        this.app = app;
        this.config = app.config();
        this.plan = app.plan();
        this.responseTimeoutNanos = config.responseTimeout().toNanos();
        this.stallMillis = config.stallTimeout().toMillis();
        this.clientReads = throttle(client);
        long rate = config.maxBandwidthPerConnection();
        this.upRate = rate > 0 ? new BandwidthHold(rate, core.timer()) : null;
        this.downRate = rate > 0 ? new BandwidthHold(rate, core.timer()) : null;
        if (config.retryOnNoResponse()) {
            replay = new ReplayBuffer(PENDING_LIMIT);
            keeping = true;
        }
    }

    static ProxyConnection of(IoSession session) {
        return (ProxyConnection) session.getAttribute(PAIR);
    }

    private static ReadThrottle throttle(IoSession session) {
        ReadThrottle reads = new ReadThrottle(session, HIGH_WATER, LOW_WATER);
        session.setAttribute(READS, reads);
        return reads;
    }

    private static ReadThrottle reads(IoSession session) {
        return (ReadThrottle) session.getAttribute(READS);
    }

    // ---- connect phase

    synchronized void connectNext() {
        while (attempt < plan.size() && !closed.get()) {
            Target t = plan.get(attempt++);
            if (attempt > 1) {
                t.retried();
            }
            InetSocketAddress address = t.address();
            if (address == null) {
                if (t.resolutionTried()) {
                    t.connectFailed();
                    t.markDown("unresolvable host", System.currentTimeMillis());
                    log.debug("[{}] {} session {}: target {} does not resolve; trying the next", core.name(), app.name(), client.getId(), t);
                }
                continue;
            }
            // the backend's sessionOpened waits for this lock, so it always finds `connecting` set
            AtomicBoolean established = new AtomicBoolean();
            ConnectFuture f = core.connector().connect(address, (s, fut) -> {
                established.set(true); // the session exists: the TCP connection is made
                s.setAttribute(PAIR, this);
                s.setAttribute(FUTURE, fut);
                s.setAttribute(ProxyProcessors.SAME_AS, client);
                ProxyTls.toTarget(s, config, address);
            });
            connecting = f;
            connectingTarget = t;
            // not f.cancel(): a cancel that races the connect's completion in MINA's connector can leave its
            // select loop spinning; an abandoned attempt that connects later is closed by backendOpened.
            // A connection made within connect() (EagerConnector: loopback, almost always) needs no timer.
            ScheduledFuture<?> timeout = established.get() || f.isDone() ? null
                    : core.timer().schedule(() -> attemptFailed(f, t, DownReason.noAnswer(config.connectTimeout())),
                            config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            f.addListener(done -> connectDone((ConnectFuture) done, t, timeout));
            return;
        }
        if (!closed.get()) {
            app.failed();
            log.warn("[{}] {} session {} from {}: no target took the connection (tried {})", core.name(), app.name(),
                    client.getId(), client.getRemoteAddress(), plan);
            client.closeNow();
        }
    }

    private void connectDone(ConnectFuture f, Target t, ScheduledFuture<?> timeout) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (f.isConnected()) {
            return; // backendOpened took it, on the backend's I/O thread
        }
        attemptFailed(f, t, DownReason.of(f.getException(), config.connectTimeout()));
    }

    /** The attempt {@code f} on {@code t} failed (refused, timed out, ...): out of rotation, and the next target. */
    private void attemptFailed(ConnectFuture f, Target t, String why) {
        synchronized (this) {
            if (f != connecting || closed.get()) {
                return; // abandoned already, or the client left while connecting: not the target's fault
            }
            connecting = null;
        }
        t.connectFailed();
        t.markDown(why, System.currentTimeMillis());
        log.info("[{}] {} session {}: target {} failed ({}); trying the next", core.name(), app.name(), client.getId(), t, why);
        connectNext();
    }

    /** The backend connected; runs on its I/O thread before any of its reads. */
    synchronized void backendOpened(IoSession session) {
        if (closed.get() || session.getAttribute(FUTURE) != connecting) {
            session.closeNow(); // the client left, or this attempt had timed out
            return;
        }
        connecting = null;
        throttle(session); // before any of its reads
        Target t = connectingTarget;
        t.connected();
        target = t;
        lastProgress = System.nanoTime();
        int sent = 0;
        for (IoBuffer buf = pending.poll(); buf != null; buf = pending.poll()) {
            sent += buf.remaining();
            t.bytesIn(buf.remaining());
            lastToBackend = session.write(buf);
            armResponseCheck();
        }
        if (upRate != null && sent > 0) {
            upRate.spend(sent, clientReads);
        }
        pending = null;
        pendingBytes = 0;
        backend = session; // after the pending bytes: the client thread writes directly from now on
        if (clientEof) {
            shutdownOutputAfter(session, lastToBackend);
        } else {
            clientReads.resume(); // paused while connecting when more than PENDING_LIMIT came
        }
    }

    boolean isBackend(IoSession session) {
        return backend == session;
    }

    // ---- forwarding

    void fromClient(IoBuffer buf) {
        lastProgress = System.nanoTime();
        IoSession b = backend;
        if (b == null || keeping) {
            synchronized (this) {
                if (keeping && !replay.keep(buf)) {
                    stopKeeping();
                }
                b = backend;
                if (b != null) {
                    writeToBackend(b, buf);
                } else {
                    pending.add(buf);
                    pendingBytes += buf.remaining();
                    if (pendingBytes > PENDING_LIMIT) {
                        clientReads.pause();
                    }
                    return;
                }
            }
        } else {
            writeToBackend(b, buf);
        }
        if (clientReads.queued(b::getScheduledWriteBytes)) {
            watchStall();
        }
    }

    private void writeToBackend(IoSession b, IoBuffer buf) {
        int n = buf.remaining();
        target.bytesIn(n);
        lastToBackend = b.write(buf);
        armResponseCheck();
        if (upRate != null) {
            upRate.spend(n, clientReads);
        }
    }

    private void stopKeeping() {
        keeping = false;
        replay = null;
    }

    void fromBackend(IoSession session, IoBuffer buf) {
        if (!responded && !firstResponse(session)) {
            return; // a target this connection has already left
        }
        int n = buf.remaining();
        target.bytesOut(n);
        lastToClient = client.write(buf);
        ReadThrottle backendReads = reads(session);
        if (downRate != null) {
            downRate.spend(n, backendReads);
        }
        if (backendReads.queued(client::getScheduledWriteBytes)) {
            watchStall();
        }
    }

    /** The client took bytes: read the backend again if it was paused and the queue is short now. */
    void clientDrained() {
        IoSession b = backend;
        if (b != null) {
            reads(b).drained(client.getScheduledWriteBytes());
        }
    }

    /** The target's first byte: from now on a failure is the client's to see. */
    private synchronized boolean firstResponse(IoSession session) {
        if (session != backend) {
            return false;
        }
        responded = true;
        stopKeeping();
        return true;
    }

    void backendDrained() {
        lastProgress = System.nanoTime(); // the target is taking the request
        IoSession b = backend;
        if (b != null) {
            clientReads.drained(b.getScheduledWriteBytes());
        }
    }

    // ---- stall: a side paused for a peer that takes nothing

    /** A side was paused by its peer's queue: from now on, check that the peer takes bytes (StallTimeout). */
    private void watchStall() {
        if (stallMillis > 0 && stallCheckArmed.compareAndSet(false, true)) {
            stallArmedAt = System.currentTimeMillis();
            core.timer().schedule(this::checkStall, stallMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** On the timer: one check per connection while a side is paused, until it is read again or the pair closes. */
    private void checkStall() {
        IoSession b = backend;
        if (closed.get() || b == null) {
            stallCheckArmed.set(false);
            return;
        }
        long now = System.currentTimeMillis();
        long quiet = Math.max(quietFor(client, b, now), quietFor(b, client, now));
        if (quiet < 0) { // neither side paused now
            stallCheckArmed.set(false);
            if (reads(client).isPaused() || reads(b).isPaused()) {
                watchStall(); // paused again in between
            }
        } else if (quiet >= stallMillis) {
            String who = quietFor(client, b, now) == quiet ? "target " + target : "client";
            log.info("[{}] {} session {} from {} closed: the {} took no byte for {} ms", core.name(), app.name(), client.getId(),
                    client.getRemoteAddress(), who, stallMillis);
            client.closeNow();
            b.closeNow();
        } else {
            core.timer().schedule(this::checkStall, stallMillis - quiet, TimeUnit.MILLISECONDS);
        }
    }

    /** How long {@code peer} has taken none of its queued bytes while {@code reader} is paused for it; -1 if it is not. */
    private long quietFor(IoSession reader, IoSession peer, long now) {
        if (!reads(reader).isPaused() || peer.getScheduledWriteBytes() == 0) {
            return -1;
        }
        return now - Math.max(peer.getLastWriteTime(), stallArmedAt);
    }

    // ---- first-byte deadline and replay

    private void armResponseCheck() {
        if (responseTimeoutNanos > 0 && !responded && responseCheckArmed.compareAndSet(false, true)) {
            scheduleResponseCheck(responseTimeoutNanos);
        }
    }

    private void scheduleResponseCheck(long delayNanos) {
        core.timer().schedule(this::checkResponse, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** On the timer: one check per connection, rescheduled until the target answers or the deadline passes. */
    private void checkResponse() {
        if (closed.get() || responded) {
            return;
        }
        long quiet = System.nanoTime() - lastProgress;
        IoSession b;
        Target t;
        synchronized (this) {
            b = backend;
            t = target;
        }
        if (b == null || !keepsTheClientWaiting(b) || quiet < responseTimeoutNanos) {
            scheduleResponseCheck(b == null || quiet >= responseTimeoutNanos ? responseTimeoutNanos : responseTimeoutNanos - quiet);
            return;
        }
        String why = "no response within " + config.responseTimeout().toMillis() + " ms";
        t.markDown(why, System.currentTimeMillis());
        if (!retryFrom(b, t, why, true)) {
            app.failed();
            log.warn("[{}] {} session {} from {}: target {} failed ({}); closing the client", core.name(), app.name(),
                    client.getId(), client.getRemoteAddress(), t, why);
            client.closeNow();
            b.closeNow();
        }
    }

    /**
     * Whether a silent target is the one keeping the client waiting: once the client's request is complete (its
     * FIN), always; before, only while bytes wait for a target that takes none (a frozen one whose buffers are
     * full). A target that took every byte of a client still sending (a slow one, a trickling one) is waiting
     * for the client, not failing it.
     */
    private boolean keepsTheClientWaiting(IoSession b) {
        return clientEof || b.getScheduledWriteBytes() > 0;
    }

    /** The target reset the connection: out of rotation when it had not answered yet. */
    void backendFailed(IoSession session, Throwable cause) {
        Target t = target;
        if (!responded && session == backend && t != null && cause instanceof IOException) {
            resetBackend = session;
            t.markDown("reset before answering: " + cause.getMessage(), System.currentTimeMillis());
        }
    }

    /** The target's connection closed; the pair ends unless the client's bytes can go to the next target. */
    void backendClosed(IoSession session) {
        boolean reset = session == resetBackend;
        if (!retryFrom(session, target, reset ? "reset before answering" : "closed before answering", reset)) {
            close("target closed");
        }
    }

    /**
     * Leaves the target and replays the kept bytes to the next one, when nothing came back from it and every
     * byte the client sent is kept, and either the client's request is complete (its FIN came) or
     * {@code beforeFin} (the target reset or passed the deadline: it failed). A target that closes in order
     * while the client is still sending ended the client's request itself (md5's minimum rate, say): replaying
     * it would give a trickling client a fresh allowance on every target. True when the connection no longer
     * uses {@code b} (left now, or before); false, with nothing changed, when the failure is the client's to see.
     */
    private boolean retryFrom(IoSession b, Target t, String why, boolean beforeFin) {
        int bytes;
        synchronized (this) {
            if (closed.get()) {
                return false;
            }
            if (b != backend) {
                return true;
            }
            if (!keeping || responded || !(clientEof || beforeFin)) {
                return false;
            }
            backend = null;
            target = null;
            lastToBackend = null;
            outputsShut.set(0);
            pending = new ArrayDeque<>(replay.replay());
            bytes = replay.bytes();
            pendingBytes = bytes;
            t.disconnected();
        }
        log.info("[{}] {} session {}: target {} {}; replaying {} byte(s){} to the next target", core.name(), app.name(),
                client.getId(), t, why, bytes, clientEof ? " and the half-close" : "");
        b.closeNow();
        connectNext();
        return true;
    }

    // ---- half-close

    void clientInputClosed() {
        clientReads.stop(); // a closed input is always readable: the selector would spin on it
        IoSession b;
        lastProgress = System.nanoTime(); // the request is complete: the first-byte deadline counts from here
        synchronized (this) {
            clientEof = true;
            b = backend;
        }
        if (b != null) {
            shutdownOutputAfter(b, lastToBackend);
        }
    }

    void backendInputClosed(IoSession b) {
        reads(b).stop();
        if (retryFrom(b, target, "closed before answering", false)) {
            return;
        }
        shutdownOutputAfter(client, lastToClient);
    }

    private void shutdownOutputAfter(IoSession session, WriteFuture last) {
        if (last == null) {
            shutdownOutput(session);
        } else {
            last.addListener(f -> shutdownOutput(session));
        }
    }

    private void shutdownOutput(IoSession session) {
        if (session != client && session != backend) {
            return; // a target this connection has left for another
        }
        try {
            // MINA has no half-close: shut the socket's output under it, once its queue has been written;
            // over TLS, close_notify is the half-close
            if (!TlsFilter.shutdownOutput(session)) {
                ((SocketChannel) ((NioSession) session).getChannel()).shutdownOutput();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("[{}] {} session {}: shutdownOutput failed: {}", core.name(), app.name(), session.getId(), e.toString());
            session.closeNow();
        }
        if (outputsShut.incrementAndGet() == 2) {
            close("both sides done");
        }
    }

    // ---- end

    void idle() {
        log.info("[{}] {} session {} from {} closed: idle for {} s", core.name(), app.name(), client.getId(),
                client.getRemoteAddress(), config.idleTimeout().toSeconds());
        client.closeNow();
        IoSession b = backend;
        if (b != null) {
            b.closeNow();
        }
    }

    /**
     * Closes the session once its queue is written, or after {@link #DRAIN_BOUND_MILLIS} if its peer does not
     * take it: a side left behind that cannot drain (its peer reads nothing, its own reads paused) must not
     * hold the connection and its queued bytes until the idle timeout.
     */
    private void closeAfterDrain(IoSession s) {
        s.closeOnFlush();
        if (s.getScheduledWriteBytes() > 0 || s.getScheduledWriteMessages() > 0) {
            core.timer().schedule(() -> {
                if (!s.getCloseFuture().isClosed()) {
                    log.debug("[{}] {} session {}: closed, {} byte(s) not taken within {} ms", core.name(), app.name(),
                            s.getId(), s.getScheduledWriteBytes(), DRAIN_BOUND_MILLIS);
                    s.closeNow();
                }
            }, DRAIN_BOUND_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Either session closed (or both directions are done): close the other after its queue, release counters. */
    void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.debug("[{}] {} session {} closed: {}", core.name(), app.name(), client.getId(), why);
        IoSession b;
        synchronized (this) {
            b = backend; // a connect still in progress is closed by backendOpened when it completes
        }
        closeAfterDrain(client);
        if (b != null) {
            closeAfterDrain(b);
            target.disconnected();
        }
        app.released();
        app.releaseSource(source);
        core.connections().released();
    }
}
