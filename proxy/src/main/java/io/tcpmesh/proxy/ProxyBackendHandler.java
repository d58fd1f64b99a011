package io.tcpmesh.proxy;

import io.tcpmesh.proxy.tls.ProxyTls;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.FilterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Backend sessions: forwards what targets send back to their client. */
final class ProxyBackendHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyBackendHandler.class);
    private final Forwarding core;

    ProxyBackendHandler(Forwarding core) {
        this.core = core;
    }

    /** TLS toward the target, for an app with TargetTls: before the session opens. */
    @Override
    public void sessionCreated(IoSession session) {
        core.tls().originate(session);
    }

    /** The target finished its TLS handshake: it is taking the request (progress for ResponseTimeout). */
    @Override
    public void event(IoSession session, FilterEvent event) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null && pair.isBackend(session) && ProxyTls.secured(session, event)) {
            pair.backendDrained();
        }
    }

    @Override
    public void sessionOpened(IoSession session) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair == null) {
            session.closeNow();
        } else {
            pair.backendOpened(session);
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair.isBackend(session)) {
            pair.fromBackend(session, (IoBuffer) message);
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        ProxyConnection.of(session).backendDrained();
    }

    @Override
    public void inputClosed(IoSession session) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair.isBackend(session)) {
            pair.backendInputClosed(session);
        } else {
            session.closeNow();
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null && pair.isBackend(session)) {
            pair.backendClosed(session);
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        log.debug("[{}] backend session {}: {}", core.name(), session.getId(), cause.toString());
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null) {
            pair.backendFailed(session, cause);
        }
        session.closeNow();
    }
}
