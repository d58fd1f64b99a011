package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.Node;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The master port's fence: a master-port session is served only while the leader's lease holds.
 *
 * <p>Checked when a connection is accepted (a connection that waited in the listen backlog while the
 * process was frozen is closed unserved), for every message read (a line buffered by the kernel
 * during a freeze is dropped, not echoed) and for every write handed to MINA; {@link FencedProcessor}
 * checks once more right before the bytes go to the socket. A failed check closes the session at once.
 */
final class MasterPortFence extends IoFilterAdapter {
    private static final Logger log = LoggerFactory.getLogger(MasterPortFence.class);
    static final AttributeKey FENCE = new AttributeKey(MasterPortFence.class, "fence");

    private final Node node;
    private final BooleanSupplier leading;

    MasterPortFence(Node node, BooleanSupplier leading) {
        this.node = node;
        this.leading = leading;
    }

    /** True while the lease holds; otherwise closes the session at once and returns false. */
    boolean admits(IoSession session, String what) {
        if (leading.getAsBoolean()) {
            return true;
        }
        if (!session.isClosing()) {
            log.info("[{}] master port session {}: {} refused, the lease does not hold; closing", node.name(), session.getId(), what);
            session.closeNow();
        }
        return false;
    }

    @Override
    public void sessionCreated(NextFilter next, IoSession session) {
        session.setAttribute(FENCE, this);
        if (admits(session, "connection")) {
            next.sessionCreated(session);
        }
    }

    @Override
    public void sessionOpened(NextFilter next, IoSession session) {
        if (admits(session, "connection")) {
            next.sessionOpened(session);
        }
    }

    @Override
    public void messageReceived(NextFilter next, IoSession session, Object message) {
        if (admits(session, "message")) {
            next.messageReceived(session, message);
        }
    }

    @Override
    public void filterWrite(NextFilter next, IoSession session, WriteRequest writeRequest) {
        if (admits(session, "write")) {
            next.filterWrite(session, writeRequest);
        } else {
            writeRequest.getFuture().setException(new IOException("master port lease lapsed"));
        }
    }
}
