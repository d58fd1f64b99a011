package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;
import org.apache.mina.core.session.IoSession;

/** A {@link Connection} over a MINA session. */
final class MinaConnection implements Connection {
    private final IoSession session;

    MinaConnection(IoSession session) {
        this.session = session;
    }

    @Override
    public long id() {
        return session.getId();
    }

    @Override
    public String remote() {
        return String.valueOf(session.getRemoteAddress());
    }

    @Override
    public void send(Message message) {
        session.write(message);
    }

    @Override
    public void closeAfterSending() {
        session.closeOnFlush();
    }

    @Override
    public void closeNow() {
        session.closeNow();
    }

    @Override
    public void suspendReads() {
        session.suspendRead();
    }

    @Override
    public void resumeReads() {
        session.resumeRead();
    }

    @Override
    public boolean readsSuspended() {
        return session.isReadSuspended();
    }
}
