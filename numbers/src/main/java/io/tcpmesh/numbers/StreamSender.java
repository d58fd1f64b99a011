package io.tcpmesh.numbers;

import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.ServerMessage;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.StatefulSequence;
import io.tcpmesh.numbers.sequence.StatelessSequence;
import io.tcpmesh.numbers.session.Claim;
import org.apache.mina.core.future.WriteFuture;
import org.apache.mina.core.session.IoSession;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one stream of numbers on one connection: a few fields, whatever its length. Each tick of the
 * shared ticker thread writes the next message; after the last it writes the END line and closes.
 */
final class StreamSender implements Runnable {
    /** A reader this far behind is not sent more until it catches up. */
    static final int MAX_QUEUED_BYTES = 64 * 1024;

    enum State { STREAMING, DROPPING, ENDING, CLOSED }

    /** What the stream reports to its server; called on the ticker thread or the I/O thread. */
    interface Events {
        void dropped(StreamSender stream);

        void ended(StreamSender stream, boolean delivered);
    }

    private final IoSession session;
    private final Hello hello;
    private final Claim claim;
    private final int start;
    private final int failEvery;
    private final Events events;
    private int next;
    private State state = State.STREAMING;
    private ScheduledFuture<?> ticks;

    StreamSender(IoSession session, Hello hello, Claim claim, int start, int failEvery, Events events) {
        this.session = session;
        this.hello = hello;
        this.claim = claim;
        this.start = start;
        this.failEvery = failEvery;
        this.events = events;
        this.next = hello.next();
    }

    IoSession session() {
        return session;
    }

    Hello hello() {
        return hello;
    }

    /** The stateful claim, or null for a stateless stream. */
    Claim claim() {
        return claim;
    }

    /** The stateless start {@code a}; 0 for a stateful stream. */
    int start() {
        return start;
    }

    synchronized int next() {
        return next;
    }

    synchronized void schedule(ScheduledExecutorService ticker, Duration interval) {
        if (state == State.STREAMING) {
            ticks = ticker.scheduleAtFixedRate(this, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public synchronized void run() {
        if (state != State.STREAMING || session.isClosing()) {
            cancel();
            return;
        }
        if (readerBehind()) {
            return;
        }
        if (next < hello.count()) {
            session.write(new ServerMessage.Message(next, value(next)));
            next++;
            if (failEvery > 0 && next % failEvery == 0 && next < hello.count()) {
                state = State.DROPPING;
                cancel();
                session.closeOnFlush();
                events.dropped(this);
                return;
            }
        }
        if (next == hello.count()) {
            state = State.ENDING;
            cancel();
            WriteFuture end = session.write(new ServerMessage.End(hello.count(), checksum()));
            end.addListener(f -> events.ended(this, ((WriteFuture) f).isWritten()));
            session.closeOnFlush();
        }
    }

    /** Backpressure: a reader this far behind is skipped on this tick, and sent the message on a later one. */
    private boolean readerBehind() {
        return session.getScheduledWriteBytes() > MAX_QUEUED_BYTES;
    }

    /**
     * The connection closed. Returns true if the stream had not ended, so its session is to be kept
     * for a resume.
     */
    synchronized boolean closed() {
        cancel();
        boolean unfinished = state == State.STREAMING || state == State.DROPPING;
        if (state != State.ENDING) {
            state = State.CLOSED;
        }
        return unfinished;
    }

    private void cancel() {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    private String value(int index) {
        return hello.variant() == Variant.STATEFUL
                ? Long.toString(StatefulSequence.value(claim.record().seed(), index))
                : StatelessSequence.value(start, index).toString();
    }

    private String checksum() {
        return hello.variant() == Variant.STATEFUL
                ? StatefulSequence.checksum(claim.record().seed(), hello.count())
                : StatelessSequence.sum(start, hello.count()).toString();
    }

    @Override
    public String toString() {
        return hello.variant().wire() + " stream " + hello.clientId() + " at " + next + "/" + hello.count();
    }
}
