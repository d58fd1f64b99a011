package io.tcpmesh.md5;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.server.ReadThrottle;
import jakarta.inject.Inject;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection: hash every byte as it arrives; when the client half-closes, answer 32 hex digits and a
 * newline, then close. Idle connections, and those sending under the minimum rate ({@link #checkRate}),
 * are closed unanswered; past the connection cap, new ones are closed at once.
 *
 * <p>Threading: MINA calls every method on the connection's NioProcessor thread, in order. With
 * {@link Hashing#IO} the digest is updated right there. With {@link Hashing#EXECUTOR} each buffer and
 * the final answer go, in order, to the connection's {@link SerialExecutor}; reading pauses (a
 * {@link ReadThrottle}) while more than {@code maxBacklog} bytes wait to be hashed, and resumes at half of
 * it. MINA's ExecutorFilter is not used because it does not carry {@code inputClosed}, which would then
 * overtake the buffers still queued.
 */
public final class Md5Handler extends IoHandlerAdapter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Md5Handler.class);
    private static final AttributeKey STATE = new AttributeKey(Md5Handler.class, "state");
    private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A client that sent bytes and then waited: almost always a netcat that never sends its FIN. */
    static final String NO_HALF_CLOSE_HINT = "; no half-close came (the answer follows the client's FIN: use nc -N, "
            + "or shutdown(SHUT_WR) after the last byte)";

    private final Node node;
    private final Md5Config config;
    private final Md5Stats stats;
    private final ExecutorService hashers;
    private final AtomicLong lastRejectLog = new AtomicLong(System.nanoTime() - REJECT_LOG_INTERVAL_NANOS);

    @Inject
    public Md5Handler(Node node, Md5Config config, Md5Stats stats) {
        this.node = node;
        this.config = config;
        this.stats = stats;
        this.hashers = config.hashing() == Hashing.EXECUTOR ? Executors.newFixedThreadPool(config.ioThreads(), DaemonThreads.numbered("md5-hasher")) : null;
    }

    /** Per-connection state, a session attribute. */
    private static final class Connection {
        final StreamingMd5 md5 = new StreamingMd5();
        final SerialExecutor serial;
        final ReadThrottle throttle;
        /** Bytes read but not yet hashed (executor mode). */
        final AtomicLong backlog = new AtomicLong();
        /** Bytes received; written by the I/O thread only. */
        volatile long received;
        /** The minimum-rate window: when it began and {@link #received} then; the rate checker's thread only. */
        long windowStart;
        long windowReceived;
        volatile boolean admitted;
        /** Answered, or closed by the server, or gone: set once, by whichever comes first. */
        final AtomicBoolean finished = new AtomicBoolean();

        Connection(SerialExecutor serial, ReadThrottle throttle) {
            this.serial = serial;
            this.throttle = throttle;
        }
    }

    @Override
    public void sessionCreated(IoSession session) {
        Connection c = new Connection(hashers == null ? null : new SerialExecutor(hashers),
                new ReadThrottle(session, config.maxBacklog(), config.maxBacklog() / 2));
        c.windowStart = System.nanoTime();
        session.setAttribute(STATE, c);
        if (stats.open.incrementAndGet() > config.maxConnections()) {
            stats.open.decrementAndGet();
            stats.rejected.increment();
            c.finished.set(true);
            logRejection(session);
            session.closeNow();
            return;
        }
        c.admitted = true;
        stats.accepted.increment();
    }

    private void logRejection(IoSession session) {
        long now = System.nanoTime();
        long last = lastRejectLog.get();
        if (now - last >= REJECT_LOG_INTERVAL_NANOS && lastRejectLog.compareAndSet(last, now)) {
            log.warn("[{}] session {} from {} closed: {} connections open (--max-connections); {} rejected so far",
                    node.name(), session.getId(), peer(session), config.maxConnections(), stats.rejected());
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        Connection c = connection(session);
        IoBuffer buffer = (IoBuffer) message;
        if (c.finished.get()) {
            return;
        }
        c.received += buffer.remaining();
        if (c.serial == null) {
            hash(c, buffer);
            return;
        }
        int n = buffer.remaining();
        c.backlog.addAndGet(n);
        c.throttle.queued(c.backlog::get);
        // MINA hands each read its own buffer, so it may be hashed later on another thread
        c.serial.execute(() -> {
            hash(c, buffer);
            c.throttle.drained(c.backlog.addAndGet(-n));
        });
    }

    private void hash(Connection c, IoBuffer buffer) {
        int n = buffer.remaining();
        c.md5.update(buffer);
        stats.bytes.add(n);
    }

    /** The client half-closed (or closed): everything it sent has been received. */
    @Override
    public void inputClosed(IoSession session) {
        Connection c = connection(session);
        // the selector keeps reporting the closed input as readable until reads stop
        c.throttle.stop();
        if (!c.finished.compareAndSet(false, true)) {
            return;
        }
        if (c.serial == null) {
            answer(session, c);
        } else {
            c.serial.execute(() -> answer(session, c));
        }
    }

    private void answer(IoSession session, Connection c) {
        session.write(IoBuffer.wrap(c.md5.answer()));
        session.closeOnFlush();
        stats.digested(c.md5.length());
        log.debug("[{}] session {} from {} answered after {} bytes", node.name(), session.getId(), peer(session), c.md5.length());
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        Connection c = connection(session);
        if (!c.finished.compareAndSet(false, true)) {
            return;
        }
        stats.idle.increment();
        log.info("[{}] session {} from {} closed: idle for {} after {} bytes{}", node.name(), session.getId(), peer(session),
                config.idleTimeout().toSeconds() + "s", c.received, c.received > 0 ? NO_HALF_CLOSE_HINT : "");
        session.closeNow();
    }

    /**
     * Closes, unanswered, a connection that sent fewer than {@code --min-rate} bytes per second over its
     * last whole window (a slow-loris client holding a descriptor with a byte now and then). Called about
     * once a second for every session, from one thread. Windows in which reading was paused for the
     * hashers' backlog do not count against the client.
     */
    void checkRate(IoSession session, long nowNanos) {
        Connection c = connection(session);
        if (c == null || !c.admitted || c.finished.get() || config.minRate() == 0) {
            return;
        }
        if (c.throttle.isPaused()) {
            startWindow(c, nowNanos);
            return;
        }
        if (nowNanos - c.windowStart < config.rateWindow().toNanos()) {
            return;
        }
        long sent = c.received - c.windowReceived;
        if (sent >= config.minBytesPerWindow()) {
            startWindow(c, nowNanos);
            return;
        }
        if (!c.finished.compareAndSet(false, true)) {
            return;
        }
        stats.slow.increment();
        log.info("[{}] session {} from {} closed: {} bytes in the last {}, under --min-rate {} B/s; {} bytes in all", node.name(),
                session.getId(), peer(session), sent, config.rateWindow().toSeconds() + "s", config.minRate(), c.received);
        session.closeNow();
    }

    private static void startWindow(Connection c, long nowNanos) {
        c.windowStart = nowNanos;
        c.windowReceived = c.received;
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("[{}] session {} from {}: {}", node.name(), session.getId(), peer(session), cause.toString());
        } else {
            log.warn("[{}] session {} from {} failed", node.name(), session.getId(), peer(session), cause);
        }
        session.closeNow();
    }

    @Override
    public void sessionClosed(IoSession session) {
        Connection c = connection(session);
        if (c == null || !c.admitted) {
            return;
        }
        stats.open.decrementAndGet();
        if (c.finished.compareAndSet(false, true)) {
            stats.abandoned.increment();
            log.debug("[{}] session {} from {} closed before half-closing, after {} bytes", node.name(), session.getId(),
                    peer(session), c.md5.length());
        }
    }

    private static Connection connection(IoSession session) {
        return (Connection) session.getAttribute(STATE);
    }

    private static String peer(IoSession session) {
        SocketAddress a = session.getRemoteAddress();
        if (a instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(a);
    }

    /** Stops the hashing threads, if any. */
    @Override
    public void close() {
        if (hashers != null) {
            hashers.shutdownNow();
        }
    }
}
