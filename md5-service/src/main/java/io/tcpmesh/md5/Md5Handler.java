package io.tcpmesh.md5;

import com.google.inject.Inject;
import io.tcpmesh.coordination.bootstrap.Node;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.AbstractIoSession;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection: hash every byte as it arrives; when the client half-closes, answer 32 hex digits and a
 * newline, then close. Idle connections are closed unanswered; past the connection cap, new ones are
 * closed at once.
 *
 * <p>Threading: MINA calls every method on the connection's NioProcessor thread, in order. With
 * {@link Hashing#IO} the digest is updated right there. With {@link Hashing#EXECUTOR} each buffer and
 * the final answer go, in order, to the connection's {@link SerialExecutor}; reading pauses while more than
 * {@code maxBacklog} bytes wait to be hashed. MINA's ExecutorFilter is not used because it does not carry
 * {@code inputClosed}, which would then overtake the buffers still queued.
 */
public final class Md5Handler extends IoHandlerAdapter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Md5Handler.class);
    private static final AttributeKey STATE = new AttributeKey(Md5Handler.class, "state");
    private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

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
        this.hashers = config.hashing() == Hashing.EXECUTOR ? Executors.newFixedThreadPool(config.ioThreads(), new HasherThreads()) : null;
    }

    /** Per-connection state, a session attribute. */
    private static final class Connection {
        final StreamingMd5 md5 = new StreamingMd5();
        final SerialExecutor serial;
        int backlog; // guarded by this
        boolean paused; // guarded by this
        volatile boolean admitted;
        volatile boolean finished;

        Connection(SerialExecutor serial) {
            this.serial = serial;
        }
    }

    @Override
    public void sessionCreated(IoSession session) {
        Connection c = new Connection(hashers == null ? null : new SerialExecutor(hashers));
        session.setAttribute(STATE, c);
        if (stats.open.incrementAndGet() > config.maxConnections()) {
            stats.open.decrementAndGet();
            stats.rejected.increment();
            c.finished = true;
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
        if (c.finished) {
            return;
        }
        if (c.serial == null) {
            hash(c, buffer);
            return;
        }
        int n = buffer.remaining();
        synchronized (c) {
            c.backlog += n;
            if (c.backlog > config.maxBacklog() && !c.paused) {
                c.paused = true;
                session.suspendRead();
            }
        }
        // MINA hands each read its own buffer, so it may be hashed later on another thread
        c.serial.execute(() -> {
            hash(c, buffer);
            synchronized (c) {
                c.backlog -= n;
                if (c.paused && c.backlog <= config.maxBacklog() / 2) {
                    c.paused = false;
                    if (!c.finished) {
                        resumeRead(session);
                    }
                }
            }
        });
    }

    /**
     * MINA's resumeRead only changes the selection key's interest set; called off the I/O thread it takes
     * effect at the processor's next select, up to a second later (measured: 1.5 MB/s). A flush request
     * wakes the selector at once; with an empty write queue it writes nothing.
     */
    @SuppressWarnings("unchecked")
    private static void resumeRead(IoSession session) {
        session.resumeRead();
        if (session instanceof AbstractIoSession s) {
            ((IoProcessor<IoSession>) s.getProcessor()).flush(session);
        }
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
        session.suspendRead();
        if (c.finished) {
            return;
        }
        c.finished = true;
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
        if (c.finished) {
            return;
        }
        c.finished = true;
        stats.idle.increment();
        log.info("[{}] session {} from {} closed: idle for {} after {} bytes", node.name(), session.getId(), peer(session),
                config.idleTimeout().toSeconds() + "s", c.md5.length());
        session.closeNow();
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
        if (!c.finished) {
            c.finished = true;
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

    private static final class HasherThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "md5-hasher-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
