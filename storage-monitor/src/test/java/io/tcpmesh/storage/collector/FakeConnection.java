package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A connection that records what the collector did to it. */
final class FakeConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final String remote;
    final List<Message> sent = new CopyOnWriteArrayList<>();
    volatile boolean closedAfterSending;
    volatile boolean closedNow;
    volatile boolean suspended;
    volatile int resumes;

    FakeConnection(String remote) {
        this.remote = remote;
    }

    FakeConnection() {
        this("10.0.0.1:4000");
    }

    boolean closed() {
        return closedAfterSending || closedNow;
    }

    Message last() {
        return sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void send(Message message) {
        sent.add(message);
    }

    @Override
    public void closeAfterSending() {
        closedAfterSending = true;
    }

    @Override
    public void closeNow() {
        closedNow = true;
    }

    @Override
    public void suspendReads() {
        suspended = true;
    }

    @Override
    public void resumeReads() {
        suspended = false;
        resumes++;
    }

    @Override
    public boolean readsSuspended() {
        return suspended;
    }
}
