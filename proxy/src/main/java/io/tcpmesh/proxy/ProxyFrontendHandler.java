package io.tcpmesh.proxy;

import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.tls.ProxyTls;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.FilterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Client sessions on every app port: admits, starts the connect, forwards to the backend. */
final class ProxyFrontendHandler extends IoHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyFrontendHandler.class);
    private final Forwarding core;

    ProxyFrontendHandler(Forwarding core) {
        this.core = core;
    }

    @Override
    public void sessionCreated(IoSession session) {
        int port = ((InetSocketAddress) session.getLocalAddress()).getPort();
        ProxiedApp app = core.appOnPort(port);
        if (app == null) {
            session.closeNow();
            return;
        }
        if (!core.connections().admit()) {
            app.rejected();
            log.warn("[{}] {} session {} from {} refused: global MaxConnections reached", core.name(), app.name(),
                    session.getId(), session.getRemoteAddress());
            session.closeNow();
            return;
        }
        InetAddress source = ((InetSocketAddress) session.getRemoteAddress()).getAddress();
        if (!app.admitSource(source)) {
            core.connections().released();
            app.rejected();
            log.warn("[{}] {} session {} from {} refused: MaxConnectionsPerSource {} reached", core.name(), app.name(),
                    session.getId(), session.getRemoteAddress(), app.config().maxConnectionsPerSource());
            session.closeNow();
            return;
        }
        if (!app.admit()) {
            core.connections().released();
            app.releaseSource(source);
            log.warn("[{}] {} session {} from {} refused: app MaxConnections {} reached", core.name(), app.name(),
                    session.getId(), session.getRemoteAddress(), app.config().maxConnections());
            session.closeNow();
            return;
        }
        long idle = app.config().idleTimeout().toSeconds();
        if (idle > 0) {
            session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, (int) Math.min(idle, Integer.MAX_VALUE));
        }
        ProxyConnection pair = new ProxyConnection(core, session, app, source);
        session.setAttribute(ProxyConnection.PAIR, pair);
        if (!core.tls().terminate(session, app.name())) {
            pair.connectNext();
        }
    }

    /** A TLS client's handshake is done: only now is a target connected (a silent client costs no target). */
    @Override
    public void event(IoSession session, FilterEvent event) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null && ProxyTls.secured(session, event)) {
            pair.connectNext();
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null) {
            pair.fromClient((IoBuffer) message);
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null) {
            pair.clientDrained();
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair == null) {
            session.closeNow();
        } else {
            pair.clientInputClosed();
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null) {
            pair.idle();
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        ProxyConnection pair = ProxyConnection.of(session);
        if (pair != null) {
            pair.close("client closed");
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        log.debug("[{}] client session {}: {}", core.name(), session.getId(), cause.toString());
        session.closeNow();
    }
}
