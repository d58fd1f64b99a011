package io.tcpmesh.proxy;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.server.SmallSessionData;
import org.apache.mina.core.service.IoHandler;
import org.apache.mina.core.service.IoService;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The forwarding core's MINA side: one acceptor for every app port and one connector for the targets, sharing
 * one pool of I/O processors ({@link ProxyProcessors}), and the timer of connect timeouts, drain bounds and
 * bandwidth releases.
 *
 * <p>Fairness: a session reads at most {@link #maxReadPerEvent()} bytes per I/O event, and MINA writes at most
 * 1.5 times its read buffer's maximum per flush, so one bulk connection holds its I/O thread for a bounded
 * slice of work before the processor serves the next ready session.
 */
final class ProxySockets implements AutoCloseable {
    /** The most a session reads per I/O event unless {@link #MAX_READ_PROPERTY} says otherwise (for measurements). */
    static final int MAX_READ_PER_EVENT = 64 * 1024;
    static final String MAX_READ_PROPERTY = "tcpmesh.proxy.maxReadPerEvent";
    private final ProxyProcessors processors;
    private final NioSocketAcceptor acceptor;
    private final EagerConnector connector;
    private final ScheduledExecutorService timer;

    ProxySockets() {
        // one per core the JVM may use: a second thread on one core only adds context switches
        this.processors = new ProxyProcessors(Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.acceptor = new NioSocketAcceptor(processors);
        acceptor.setSessionDataStructureFactory(new SmallSessionData()); // attributes read on every message
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.setCloseOnDeactivation(false);
        acceptor.getSessionConfig().setTcpNoDelay(true);
        acceptor.getSessionConfig().setMaxReadBufferSize(maxReadPerEvent());
        this.connector = new EagerConnector(processors);
        connector.setSessionDataStructureFactory(new SmallSessionData());
        connector.getSessionConfig().setTcpNoDelay(true);
        connector.getSessionConfig().setMaxReadBufferSize(maxReadPerEvent());
        connector.setConnectTimeoutMillis(60_000); // until the first configuration: see abandonedConnectsAfter
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("proxy-timer"));
    }

    /** The per-event read bound: {@link #MAX_READ_PER_EVENT}, or the JVM property {@value #MAX_READ_PROPERTY} (1 KiB..1 MiB). */
    static int maxReadPerEvent() {
        int n = Integer.getInteger(MAX_READ_PROPERTY, MAX_READ_PER_EVENT);
        return Math.max(1024, Math.min(n, 1 << 20));
    }

    /** Sets the handlers of the client and the target sessions; before the first bind. */
    void handle(IoHandler clients, IoHandler targets) {
        acceptor.setHandler(clients);
        connector.setHandler(targets);
    }

    /**
     * Each attempt has its own timer (the app's {@code ConnectTimeout}) and is abandoned, not cancelled, when it
     * passes it; MINA closes the socket of an attempt still pending {@code longest} plus a second after it began.
     */
    void abandonedConnectsAfter(Duration longest) {
        connector.setConnectTimeoutMillis(longest.toMillis() + 1000);
    }

    NioSocketAcceptor acceptor() {
        return acceptor;
    }

    EagerConnector connector() {
        return connector;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Bytes waiting in MINA's write queues, over every session. */
    long queuedBytes() {
        return queued(acceptor) + queued(connector);
    }

    private static long queued(IoService service) {
        long sum = 0;
        for (IoSession s : service.getManagedSessions().values()) {
            sum += s.getScheduledWriteBytes();
        }
        return sum;
    }

    /** Closes every session at once, then the services, the processors and the timer. */
    @Override
    public void close() {
        acceptor.getManagedSessions().values().forEach(IoSession::closeNow);
        connector.getManagedSessions().values().forEach(IoSession::closeNow);
        acceptor.dispose(true);
        connector.dispose(true);
        processors.dispose();
        timer.shutdownNow();
    }
}
