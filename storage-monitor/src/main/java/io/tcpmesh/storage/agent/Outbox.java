package io.tcpmesh.storage.agent;

import io.tcpmesh.storage.protocol.Message;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * What the agent has to tell the collector: every message, numbered, kept until the collector
 * acknowledges it, and sent again after a reconnection. Bounded: when full, the oldest monitor sample
 * (then the oldest heartbeat) goes, and is counted; START, ROLLOVER and STOP are never dropped.
 * Thread-safe.
 */
final class Outbox {
    private final int limit;
    private final TreeMap<Long, Message.Sequenced> pending = new TreeMap<>();
    private long nextSeq = 1;
    private long sentUpTo;
    private long dropped;

    Outbox(int limit) {
        this.limit = limit;
    }

    /** Numbers and queues a message made for the next sequence number. */
    synchronized <T extends Message.Sequenced> T add(LongFunction<T> make) {
        T message = make.apply(nextSeq++);
        if (pending.size() >= limit) {
            evict();
        }
        pending.put(message.seq(), message);
        notifyAll();
        return message;
    }

    private void evict() {
        if (!removeFirst(Message.Monitor.class)) {
            removeFirst(Message.Heartbeat.class);
        }
    }

    private boolean removeFirst(Class<?> type) {
        for (Iterator<Map.Entry<Long, Message.Sequenced>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            if (type.isInstance(it.next().getValue())) {
                it.remove();
                dropped++;
                return true;
            }
        }
        return false;
    }

    /** The next message not yet sent on this connection, waiting up to the timeout; null if none. */
    synchronized Message.Sequenced next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map.Entry<Long, Message.Sequenced> e = pending.higherEntry(sentUpTo);
            if (e != null) {
                sentUpTo = e.getKey();
                return e.getValue();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized void ack(long seq) {
        if (pending.remove(seq) != null && pending.isEmpty()) {
            notifyAll();
        }
    }

    /** A new connection: everything not acknowledged goes again. */
    synchronized void rewind() {
        sentUpTo = 0;
    }

    /** Waits until the collector has acknowledged everything; false on timeout. */
    synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized int size() {
        return pending.size();
    }

    synchronized long dropped() {
        return dropped;
    }
}
