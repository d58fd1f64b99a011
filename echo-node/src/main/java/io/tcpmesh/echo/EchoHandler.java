package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.server.ReadThrottle;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Echoes every byte back to its sender; with broadcast on, also relays it to every other session of
 * the same acceptor.
 *
 * <p>Backpressure: MINA's write queue is unbounded, so when a session's pending write bytes pass the
 * high water mark, the session that fed it (itself, or a broadcasting sender) stops being read (its
 * {@link ReadThrottle}); the fed session's {@code messageSent} resumes it once its queue is at the low
 * water mark. Nothing here blocks a NioProcessor thread.
 */
final class EchoHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(EchoHandler.class);
    /** On a fed session: the sessions suspended because of its queue. */
    private static final AttributeKey WAITERS = new AttributeKey(EchoHandler.class, "waiters");
    /** On every session: the throttle on its reads. */
    private static final AttributeKey THROTTLE = new AttributeKey(EchoHandler.class, "throttle");

    private final Node node;
    private final String port;
    private final EchoConfig config;
    private final boolean broadcast;

    EchoHandler(Node node, String port, EchoConfig config, boolean broadcast) {
        this.node = node;
        this.port = port;
        this.config = config;
        this.broadcast = broadcast;
    }

    @Override
    public void sessionCreated(IoSession session) {
        session.setAttribute(WAITERS, ConcurrentHashMap.<IoSession>newKeySet());
        session.setAttribute(THROTTLE, new ReadThrottle(session, config.writeHighWater(), config.writeLowWater()));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        IoBuffer in = (IoBuffer) message;
        if (broadcast) {
            for (IoSession other : session.getService().getManagedSessions().values()) {
                if (other != session && other.isActive() && !other.isClosing()) {
                    feed(session, other, in.duplicate());
                }
            }
        }
        feed(session, session, in);
    }

    private void feed(IoSession source, IoSession target, IoBuffer bytes) {
        target.write(bytes);
        if (target.getScheduledWriteBytes() > config.writeHighWater()) {
            Set<IoSession> waiters = waiters(target);
            if (waiters == null) {
                return;
            }
            // a waiter first, so that a drain from here on finds it; the throttle rechecks the queue after suspending
            waiters.add(source);
            throttle(source).queued(target::getScheduledWriteBytes);
            if (target.isClosing()) {
                wake(target);
            }
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        if (session.getScheduledWriteBytes() <= config.writeLowWater()) {
            wake(session);
        }
    }

    private void wake(IoSession fed) {
        Set<IoSession> waiters = waiters(fed);
        if (waiters == null || waiters.isEmpty()) {
            return;
        }
        for (IoSession waiter : waiters) {
            if (waiters.remove(waiter)) {
                throttle(waiter).resume();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<IoSession> waiters(IoSession session) {
        return (Set<IoSession>) session.getAttribute(WAITERS);
    }

    private static ReadThrottle throttle(IoSession session) {
        return (ReadThrottle) session.getAttribute(THROTTLE);
    }

    /** The peer sent FIN: echo what is pending, then close (a half-closing client still gets its bytes). */
    @Override
    public void inputClosed(IoSession session) {
        throttle(session).stop();
        session.closeOnFlush();
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        // no idle limit on an echo session
    }

    @Override
    public void sessionClosed(IoSession session) {
        wake(session);
        log.debug("[{}] {} session {} from {} closed", node.name(), port, session.getId(), session.getRemoteAddress());
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("[{}] {} session {} from {}: {}", node.name(), port, session.getId(), session.getRemoteAddress(), cause.toString());
        } else {
            log.warn("[{}] {} session {} from {} failed", node.name(), port, session.getId(), session.getRemoteAddress(), cause);
        }
        session.closeNow();
    }
}
