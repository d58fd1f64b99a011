package io.tcpmesh.numbers;

import io.tcpmesh.coordination.LogText;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.numbers.codec.ErrorCode;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.codec.ServerMessage;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.StatelessSequence;
import io.tcpmesh.numbers.session.Claim;
import io.tcpmesh.numbers.session.Sessions;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the numbers protocol. Runs on MINA's I/O threads and never blocks them: store
 * calls go to the worker pool, messages are written by the shared ticker thread.
 */
final class NumbersServerHandler extends IoHandlerAdapter implements StreamSender.Events {
    private static final Logger log = LoggerFactory.getLogger(NumbersServerHandler.class);
    private static final AttributeKey STREAM = new AttributeKey(NumbersServerHandler.class, "stream");
    private static final AttributeKey GREETED = new AttributeKey(NumbersServerHandler.class, "greeted");
    private static final AttributeKey REFUSED = new AttributeKey(NumbersServerHandler.class, "refused");
    private static final AttributeKey DEADLINE = new AttributeKey(NumbersServerHandler.class, "deadline");

    private final Node node;
    private final NumbersConfig config;
    private final Sessions sessions;
    private final ScheduledExecutorService ticker;
    private final ScheduledExecutorService statelessTicker;
    private final ExecutorService workers;
    private final NumbersCounters counters;
    private volatile long offlineUntil;

    NumbersServerHandler(Node node, NumbersConfig config, Sessions sessions, ScheduledExecutorService ticker,
                         ScheduledExecutorService statelessTicker, ExecutorService workers, NumbersCounters counters) {
        this.counters = counters;
        this.node = node;
        this.config = config;
        this.sessions = sessions;
        this.ticker = ticker;
        this.statelessTicker = statelessTicker;
        this.workers = workers;
    }

    @Override
    public void sessionOpened(IoSession session) {
        long offline = offlineUntil - System.nanoTime();
        if (offline > 0) {
            refuse(session, ErrorCode.OFFLINE, "server offline for " + (offline / 1_000_000 + 1) + " ms, retry later");
        } else if (session.getService().getManagedSessionCount() > config.maxSessions()) {
            refuse(session, ErrorCode.FULL, "server holds " + config.maxSessions() + " streams, retry later");
        } else {
            helloDeadline(session);
        }
    }

    /** The HELLO line must be complete within the timeout of the connection, however its bytes trickle in. */
    private void helloDeadline(IoSession session) {
        long ms = config.helloTimeout().toMillis();
        try {
            Future<?> deadline = ticker.schedule(() -> {
                if (session.setAttributeIfAbsent(GREETED, Boolean.TRUE) == null) {
                    refuse(session, ErrorCode.MALFORMED, "no HELLO within " + ms + " ms");
                }
            }, ms, TimeUnit.MILLISECONDS);
            session.setAttribute(DEADLINE, deadline);
        } catch (RejectedExecutionException e) {
            session.closeNow(); // stopping
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        if (session.setAttributeIfAbsent(GREETED, Boolean.TRUE) != null) {
            return; // the client sends nothing after its hello: ignore the rest
        }
        cancelDeadline(session);
        Hello hello;
        try {
            hello = Hello.parse((String) message);
        } catch (ProtocolException e) {
            refuse(session, e.err());
            return;
        }
        if (hello.variant() == Variant.STATELESS) {
            int start = hello.start() != 0 ? hello.start()
                    : ThreadLocalRandom.current().nextInt(StatelessSequence.MIN_START, StatelessSequence.MAX_START + 1);
            begin(new StreamSender(session, hello, null, start, config.failEvery(), this));
        } else {
            submit(session, () -> claim(session, hello));
        }
    }

    private void claim(IoSession session, Hello hello) {
        Claim claim;
        try {
            claim = sessions.claim(hello);
        } catch (ProtocolException e) {
            // a retryable refusal (busy, unavailable) is routine for a client that reconnects quickly: keep it out of INFO
            if (e.code().retryable()) {
                log.debug("[{}] session {} from {} refused: {}", node.name(), session.getId(), session.getRemoteAddress(), LogText.escape(e.line()));
            } else {
                log.info("[{}] session {} from {} refused: {}", node.name(), session.getId(), session.getRemoteAddress(), LogText.escape(e.line()));
            }
            refuse(session, e.err());
            return;
        }
        counters.claimed(hello.next());
        StreamSender stream = new StreamSender(session, hello, claim, 0, config.failEvery(), this);
        sessions.streaming(claim, stream::next);
        begin(stream);
        if (session.isClosing() && stream.closed()) {
            // closed before the stream was attached: sessionClosed could not release it
            sessions.release(claim, stream.next());
        }
    }

    private void begin(StreamSender stream) {
        IoSession session = stream.session();
        session.setAttribute(STREAM, stream);
        log.debug("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), stream);
        session.write(ServerMessage.Ok.of(stream.hello(), stream.start()));
        // a late stateless value takes milliseconds to print (thousands of digits): keep those off the stateful ticker
        stream.schedule(stream.claim() == null ? statelessTicker : ticker, config.interval());
    }

    /** Closes every stateful stream: this server lost its claims on them (its ZooKeeper session expired). */
    void claimsLost(Iterable<IoSession> connections) {
        int closed = 0;
        for (IoSession session : connections) {
            StreamSender stream = (StreamSender) session.getAttribute(STREAM);
            if (stream != null && stream.claim() != null) {
                session.closeNow();
                closed++;
            }
        }
        log.warn("[{}] ZooKeeper session expired: this server no longer owns its stateful streams; closed {} of them, their clients resume anywhere",
                node.name(), closed);
    }

    @Override
    public void dropped(StreamSender stream) {
        if (config.offlineFor().toNanos() > 0) {
            offlineUntil = System.nanoTime() + config.offlineFor().toNanos();
        }
        log.debug("[{}] session {}: dropped {} (--fail-every {})", node.name(), stream.session().getId(), stream, config.failEvery());
    }

    @Override
    public void ended(StreamSender stream, boolean delivered) {
        Claim claim = stream.claim();
        log.debug("[{}] session {}: {} ended, {}", node.name(), stream.session().getId(), stream, delivered ? "delivered" : "not delivered");
        if (claim != null) {
            submit(null, delivered ? () -> sessions.finish(claim) : () -> sessions.release(claim, stream.hello().count()));
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        cancelDeadline(session);
        StreamSender stream = (StreamSender) session.getAttribute(STREAM);
        if (stream != null && stream.closed() && stream.claim() != null) {
            int next = stream.next();
            submit(null, () -> sessions.release(stream.claim(), next));
        }
    }

    private static void cancelDeadline(IoSession session) {
        Future<?> deadline = (Future<?>) session.removeAttribute(DEADLINE);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        if (!session.containsAttribute(GREETED)) {
            session.closeNow();
        } else {
            // half-closed after its hello (nc -N): keep streaming, stop reading the closed input
            session.suspendRead();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof ProtocolDecoderException) {
            refuse(session, ErrorCode.MALFORMED, rootMessage(cause));
        } else if (cause instanceof IOException) {
            log.debug("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), LogText.escape(cause.toString()));
            session.closeNow();
        } else {
            log.warn("[{}] session {} from {} failed", node.name(), session.getId(), session.getRemoteAddress(), cause);
            session.closeNow();
        }
    }

    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        int hex = message == null ? -1 : message.indexOf(" (Hexdump");
        return message == null ? t.toString() : hex > 0 ? message.substring(0, hex) : message;
    }

    private void refuse(IoSession session, ErrorCode code, String text) {
        refuse(session, ServerMessage.Err.of(code, text));
    }

    /**
     * Writes one error line and closes. Reading goes on (and is ignored) until the close: bytes left
     * unread in the kernel would make it send a reset, which can destroy the error line in flight.
     */
    private void refuse(IoSession session, ServerMessage.Err err) {
        session.setAttributeIfAbsent(GREETED, Boolean.TRUE);
        if (session.setAttributeIfAbsent(REFUSED, Boolean.TRUE) != null) {
            return;
        }
        counters.refusedWith(err.code());
        session.write(err);
        session.closeOnFlush();
    }

    private void submit(IoSession session, Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            if (session != null) {
                refuse(session, ErrorCode.UNAVAILABLE, "server stopping, retry later");
            }
        }
    }
}
