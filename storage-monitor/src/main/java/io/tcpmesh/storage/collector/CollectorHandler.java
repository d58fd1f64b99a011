package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** MINA events of agent connections, handed to the {@link Collector}'s thread; never blocks. */
final class CollectorHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CollectorHandler.class);

    private static final AttributeKey SESSION = new AttributeKey(CollectorHandler.class, "session");
    private static final AttributeKey AUTHENTICATED = new AttributeKey(CollectorHandler.class, "authenticated");
    private static final AttributeKey REFUSED = new AttributeKey(CollectorHandler.class, "refused");

    private final Node node;
    private final Collector collector;
    private final AgentAuth auth;

    CollectorHandler(Node node, Collector collector, AgentAuth auth) {
        this.node = node;
        this.collector = collector;
        this.auth = auth;
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
        if (!authenticated(session, (Message) message)) {
            return;
        }
        collector.received(agentSession(session), (Message) message);
    }

    /** Checks the first message; after a refusal, nothing the session sends is looked at, let alone stored. */
    private boolean authenticated(IoSession session, Message message) {
        if (session.containsAttribute(AUTHENTICATED)) {
            return true;
        }
        if (session.containsAttribute(REFUSED)) {
            return false;
        }
        String refusal = auth.refusal(session, message);
        if (refusal != null) {
            session.setAttribute(REFUSED, Boolean.TRUE);
            collector.failed(agentSession(session), refusal);
            return false;
        }
        session.setAttribute(AUTHENTICATED, Boolean.TRUE);
        return true;
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
