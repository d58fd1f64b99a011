package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.numbers.codec.ErrorCode;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.StatelessSequence;
import io.tcpmesh.numbers.session.Claim;
import io.tcpmesh.numbers.session.Sessions;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server side of the numbers protocol. Runs on MINA's I/O threads and never blocks them: store
 * calls go to the worker pool, messages are written by the shared ticker thread.
 */
final class NumbersServerHandler extends IoHandlerAdapter implements Stream.Events {
    private static final Logger log = LoggerFactory.getLogger(NumbersServerHandler.class);
    private static final String STREAM = "numbers.stream";
    private static final String GREETED = "numbers.greeted";
    private static final String REFUSED = "numbers.refused";

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
            refuse(session, ErrorCode.OFFLINE.line("server offline for " + (offline / 1_000_000 + 1) + " ms, retry later"));
        } else if (session.getService().getManagedSessionCount() > config.maxSessions()) {
            refuse(session, ErrorCode.FULL.line("server holds " + config.maxSessions() + " streams, retry later"));
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        if (session.setAttributeIfAbsent(GREETED, Boolean.TRUE) != null) {
            return; // the client sends nothing after its hello: ignore the rest
        }
        session.getConfig().setIdleTime(IdleStatus.READER_IDLE, 0);
        Hello hello;
        try {
            hello = Hello.parse((String) message);
        } catch (ProtocolException e) {
            refuse(session, e.line());
            return;
        }
        if (hello.variant() == Variant.STATELESS) {
            int start = hello.start() != 0 ? hello.start()
                    : ThreadLocalRandom.current().nextInt(StatelessSequence.MIN_START, StatelessSequence.MAX_START + 1);
            begin(new Stream(session, hello, null, start, config.failEvery(), this));
        } else {
            submit(session, () -> claim(session, hello));
        }
    }

    private void claim(IoSession session, Hello hello) {
        Claim claim;
        try {
            claim = sessions.claim(hello);
        } catch (ProtocolException e) {
            log.info("[{}] session {} from {} refused: {}", node.name(), session.getId(), session.getRemoteAddress(), e.line());
            refuse(session, e.line());
            return;
        }
        counters.claimed(hello.next());
        Stream stream = new Stream(session, hello, claim, 0, config.failEvery(), this);
        begin(stream);
        if (session.isClosing() && stream.closed()) {
            // closed before the stream was attached: sessionClosed could not release it
            sessions.release(claim, stream.next());
        }
    }

    private void begin(Stream stream) {
        IoSession session = stream.session();
        session.setAttribute(STREAM, stream);
        log.debug("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), stream);
        session.write(Protocol.ok(stream.hello(), stream.start()));
        // a late stateless value takes milliseconds to print (thousands of digits): keep those off the stateful ticker
        stream.schedule(stream.claim() == null ? statelessTicker : ticker, config.interval());
    }

    @Override
    public void dropped(Stream stream) {
        if (config.offlineFor().toNanos() > 0) {
            offlineUntil = System.nanoTime() + config.offlineFor().toNanos();
        }
        log.debug("[{}] session {}: dropped {} (--fail-every {})", node.name(), stream.session().getId(), stream, config.failEvery());
    }

    @Override
    public void ended(Stream stream, boolean delivered) {
        Claim claim = stream.claim();
        log.debug("[{}] session {}: {} ended, {}", node.name(), stream.session().getId(), stream, delivered ? "delivered" : "not delivered");
        if (claim != null) {
            submit(null, delivered ? () -> sessions.finish(claim) : () -> sessions.release(claim, stream.hello().count()));
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        Stream stream = (Stream) session.getAttribute(STREAM);
        if (stream != null && stream.closed() && stream.claim() != null) {
            int next = stream.next();
            submit(null, () -> sessions.release(stream.claim(), next));
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        if (status == IdleStatus.READER_IDLE && session.getAttribute(GREETED) == null) {
            refuse(session, ErrorCode.MALFORMED.line("no HELLO within " + config.helloTimeout().toSeconds() + " s"));
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        if (session.getAttribute(GREETED) == null) {
            session.closeNow();
        } else {
            // half-closed after its hello (nc -N): keep streaming, stop reading the closed input
            session.suspendRead();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof ProtocolDecoderException) {
            refuse(session, ErrorCode.MALFORMED.line(rootMessage(cause)));
        } else if (cause instanceof IOException) {
            log.debug("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), cause.toString());
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

    /**
     * Writes one error line and closes. Reading goes on (and is ignored) until the close: bytes left
     * unread in the kernel would make it send a reset, which can destroy the error line in flight.
     */
    private void refuse(IoSession session, String line) {
        session.setAttributeIfAbsent(GREETED, Boolean.TRUE);
        if (session.setAttributeIfAbsent(REFUSED, Boolean.TRUE) != null) {
            return;
        }
        counters.refused(line);
        session.write(line);
        session.closeOnFlush();
    }

    private void submit(IoSession session, Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            if (session != null) {
                refuse(session, ErrorCode.UNAVAILABLE.line("server stopping, retry later"));
            }
        }
    }
}
