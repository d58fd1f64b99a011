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

    private static final String SESSION = CollectorHandler.class.getName() + ".session";

    private final Node node;
    private final Collector collector;

    CollectorHandler(Node node, Collector collector) {
        this.node = node;
        this.collector = collector;
    }

    private static AgentSession agentSession(IoSession session) {
        AgentSession s = (AgentSession) session.getAttribute(SESSION);
        if (s == null) {
            AgentSession fresh = new AgentSession(new MinaConnection(session));
            s = (AgentSession) session.setAttributeIfAbsent(SESSION, fresh);
            s = s == null ? fresh : s;
        }
        return s;
    }

    @Override
    public void sessionOpened(IoSession session) {
        log.debug("[{}] session {} from {} opened", node.name(), session.getId(), session.getRemoteAddress());
        collector.opened(agentSession(session));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        collector.received(agentSession(session), (Message) message);
    }

    @Override
    public void sessionClosed(IoSession session) {
        log.debug("[{}] session {} from {} closed", node.name(), session.getId(), session.getRemoteAddress());
        collector.closed(agentSession(session));
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof ProtocolDecoderException) {
            String message = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
            collector.failed(agentSession(session), "bad frame: " + message);
        } else if (cause instanceof IOException) {
            log.info("[{}] session {} from {}: {}", node.name(), session.getId(), session.getRemoteAddress(), cause.toString());
            session.closeNow();
        } else {
            log.warn("[{}] session {} from {} failed", node.name(), session.getId(), session.getRemoteAddress(), cause);
            collector.failed(agentSession(session), "collector error: " + cause);
        }
    }
}
