package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** MINA events of agent connections, handed to the {@link Collector}'s thread; never blocks. */
final class CollectorHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CollectorHandler.class);

    private static final String SESSION = CollectorHandler.class.getName() + ".session";
    private static final String GREETED = CollectorHandler.class.getName() + ".greeted";

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
        agentSession(session);
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        if (message instanceof Message.Hello) {
            session.setAttribute(GREETED, Boolean.TRUE);
        }
        collector.received(agentSession(session), (Message) message);
    }

    /** A connection that has not said HELLO within the idle time is closed; agents' own silences are judged by heartbeats. */
    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        if (!session.containsAttribute(GREETED)) {
            collector.failed(agentSession(session), "no HELLO within " + session.getConfig().getReaderIdleTime() + " s");
        }
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
