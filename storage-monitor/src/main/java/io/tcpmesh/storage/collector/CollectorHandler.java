package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** MINA events of agent connections, handed to the {@link Collector}'s thread; never blocks. */
final class CollectorHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CollectorHandler.class);

    private final Node node;
    private final Collector collector;

    CollectorHandler(Node node, Collector collector) {
        this.node = node;
        this.collector = collector;
    }

    @Override
    public void sessionOpened(IoSession session) {
        log.debug("[{}] session {} from {} opened", node.name(), session.getId(), session.getRemoteAddress());
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        collector.received(session, (Message) message);
    }

    @Override
    public void sessionClosed(IoSession session) {
        log.debug("[{}] session {} from {} closed", node.name(), session.getId(), session.getRemoteAddress());
        collector.closed(session);
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof ProtocolDecoderException) {
            String message = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
            collector.failed(session, "bad frame: " + message);
        } else if (cause instanceof IOException) {
            log.info("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), cause.toString());
            session.closeNow();
        } else {
            log.warn("[{}] session {} from {} failed", node.name(), session.getId(), session.getRemoteAddress(), cause);
            collector.failed(session, "collector error: " + cause);
        }
    }
}
