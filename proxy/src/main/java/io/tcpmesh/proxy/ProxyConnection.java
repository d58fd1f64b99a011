package io.tcpmesh.proxy;

import io.tcpmesh.coordination.server.ReadThrottle;
import io.tcpmesh.proxy.routing.DownReason;
import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.routing.Target;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.future.WriteFuture;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
 * <p>Backpressure: a side stops being read (its {@link ReadThrottle}) while the other side has more than
 * {@link #HIGH_WATER} bytes queued, and is read again when that falls to {@link #LOW_WATER}; a bandwidth cap
 * holds the same throttle.
 */
final class ProxyConnection {
    static final AttributeKey PAIR = new AttributeKey(ProxyConnection.class, "pair");
    static final AttributeKey FUTURE = new AttributeKey(ProxyConnection.class, "future");
    /** On a backend session: the throttle on its reads. */
    static final AttributeKey READS = new AttributeKey(ProxyConnection.class, "reads");
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = HIGH_WATER / 2;
    static final int PENDING_LIMIT = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    private final ProxyServer server;
    private final IoSession client;
    private final ProxiedApp app;
    private final List<Target> plan;
    private int attempt;
    private ArrayDeque<IoBuffer> pending = new ArrayDeque<>();
    private int pendingBytes;
    private ConnectFuture connecting;
    private Target connectingTarget;
    private volatile IoSession backend;
    private volatile Target target;
    private volatile boolean clientEof;
    private volatile WriteFuture lastToBackend;
    private volatile WriteFuture lastToClient;
    /** The client's reads; a backend's are its session's {@link #READS}. */
    private final ReadThrottle clientReads;
    private final AtomicInteger outputsShut = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxyConnection(ProxyServer server, IoSession client, ProxiedApp app) {
        this.server = server;
        this.client = client;
        this.clientReads = new ReadThrottle(client, HIGH_WATER, LOW_WATER);
        this.app = app;
        this.plan = app.plan();
    }

    private static ReadThrottle reads(IoSession backendSession) {
        return (ReadThrottle) backendSession.getAttribute(READS);
    }

    static ProxyConnection of(IoSession session) {
        return (ProxyConnection) session.getAttribute(PAIR);
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
                    log.debug("[{}] {} session {}: target {} does not resolve; trying the next", server.name(), app.name(), client.getId(), t);
                }
                continue;
            }
            // the backend's sessionOpened waits for this lock, so it always finds `connecting` set
            ConnectFuture f = server.connector().connect(address, (s, fut) -> {
                s.setAttribute(PAIR, this);
                s.setAttribute(READS, new ReadThrottle(s, HIGH_WATER, LOW_WATER));
                s.setAttribute(FUTURE, fut);
                s.setAttribute(ProxyProcessors.SAME_AS, client);
            });
            connecting = f;
            connectingTarget = t;
            ScheduledFuture<?> timeout = server.timer().schedule(() -> {
                f.cancel();
            }, app.config().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            f.addListener(done -> connectDone((ConnectFuture) done, t, timeout));
            return;
        }
        if (!closed.get()) {
            app.failed();
            log.warn("[{}] {} session {} from {}: no target took the connection (tried {})", server.name(), app.name(),
                    client.getId(), client.getRemoteAddress(), plan);
            client.closeNow();
        }
    }

    private void connectDone(ConnectFuture f, Target t, ScheduledFuture<?> timeout) {
        timeout.cancel(false);
        if (f.isConnected()) {
            return; // backendOpened took it, on the backend's I/O thread
        }
        synchronized (this) {
            if (f != connecting || closed.get()) {
                return; // the client left while connecting: not the target's fault
            }
        }
        String why = f.isCanceled() ? DownReason.noAnswer(app.config().connectTimeout())
                : DownReason.of(f.getException(), app.config().connectTimeout());
        t.connectFailed();
        t.markDown(why, System.currentTimeMillis());
        log.info("[{}] {} session {}: target {} failed ({}); trying the next", server.name(), app.name(), client.getId(), t, why);
        connectNext();
    }

    /** The backend connected; runs on its I/O thread before any of its reads. */
    synchronized void backendOpened(IoSession session) {
        if (closed.get() || session.getAttribute(FUTURE) != connecting) {
            session.closeNow(); // the client left, or this attempt had timed out
            return;
        }
        connecting = null;
        Target t = connectingTarget;
        t.connected();
        target = t;
        for (IoBuffer buf = pending.poll(); buf != null; buf = pending.poll()) {
            t.bytesIn(buf.remaining());
            lastToBackend = session.write(buf);
        }
        pending = null;
        backend = session; // after the pending bytes: the client thread writes directly from now on
        if (clientEof) {
            shutdownOutputAfter(session, lastToBackend);
        } else {
            clientReads.resume();
        }
    }

    boolean isBackend(IoSession session) {
        return backend == session;
    }

    // ---- forwarding

    void fromClient(IoBuffer buf) {
        IoSession b = backend;
        if (b == null) {
            synchronized (this) {
                b = backend;
                if (b == null) {
                    pending.add(buf);
                    pendingBytes += buf.remaining();
                    if (pendingBytes > PENDING_LIMIT) {
                        clientReads.pause();
                    }
                    return;
                }
            }
        }
        target.bytesIn(buf.remaining());
        lastToBackend = b.write(buf);
        IoSession to = b;
        clientReads.queued(to::getScheduledWriteBytes);
    }

    void fromBackend(IoBuffer buf) {
        target.bytesOut(buf.remaining());
        lastToClient = client.write(buf);
        reads(backend).queued(client::getScheduledWriteBytes);
    }

    /** The client took bytes: read the backend again if it was paused and the queue is short now. */
    void clientDrained() {
        IoSession b = backend;
        if (b != null) {
            reads(b).drained(client.getScheduledWriteBytes());
        }
    }

    void backendDrained() {
        IoSession b = backend;
        if (b != null) {
            clientReads.drained(b.getScheduledWriteBytes());
        }
    }

    // ---- half-close

    void clientInputClosed() {
        clientReads.stop();
        IoSession b;
        synchronized (this) {
            clientEof = true;
            b = backend;
        }
        if (b != null) {
            shutdownOutputAfter(b, lastToBackend);
        }
    }

    void backendInputClosed() {
        IoSession b = backend;
        reads(b).stop();
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
        try {
            // MINA has no half-close: shut the socket's output under it, once its queue has been written
            ((SocketChannel) ((NioSession) session).getChannel()).shutdownOutput();
        } catch (IOException | RuntimeException e) {
            log.debug("[{}] {} session {}: shutdownOutput failed: {}", server.name(), app.name(), session.getId(), e.toString());
            session.closeNow();
        }
        if (outputsShut.incrementAndGet() == 2) {
            close("both sides done");
        }
    }

    // ---- end

    void idle() {
        log.info("[{}] {} session {} from {} closed: idle for {} s", server.name(), app.name(), client.getId(),
                client.getRemoteAddress(), app.config().idleTimeout().toSeconds());
        client.closeNow();
        IoSession b = backend;
        if (b != null) {
            b.closeNow();
        }
    }

    /** Either session closed (or both directions are done): close the other after its queue, release counters. */
    void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.debug("[{}] {} session {} closed: {}", server.name(), app.name(), client.getId(), why);
        ConnectFuture c;
        IoSession b;
        synchronized (this) {
            c = connecting;
            b = backend;
        }
        if (b == null && c != null) {
            c.cancel();
        }
        client.closeOnFlush();
        if (b != null) {
            b.closeOnFlush();
            target.disconnected();
        }
        app.released();
        server.released();
    }
}
