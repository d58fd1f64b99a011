package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.coordination.server.OneReadProcessor;
import org.apache.mina.core.service.IoHandler;
import org.apache.mina.core.service.SimpleIoProcessorPool;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * The master port: one acceptor for the life of the process, bound only while this node leads.
 *
 * <p>{@link #serve()} runs on the election's callback thread and binds only after re-checking
 * leadership; while another process still holds the port (the old leader going away) it retries with a
 * short backoff, for as long as this node leads. {@link #release} unbinds and closes every master-port
 * session. The bind loop never holds the lock while it sleeps, so a release is never kept waiting.
 */
final class MasterPort implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MasterPort.class);
    private static final long FIRST_RETRY_MILLIS = 10;
    private static final long MAX_RETRY_MILLIS = 200;
    private static final long WARN_EVERY_MILLIS = 5000;

    private final Node node;
    private final InetSocketAddress address;
    private final BooleanSupplier leading;
    private final SimpleIoProcessorPool<NioSession> processors;
    private final NioSocketAcceptor acceptor;
    private boolean bound; // guarded by this
    private boolean closed; // guarded by this
    private volatile InetSocketAddress boundAddress;

    MasterPort(Node node, InetSocketAddress address, IoHandler handler, BooleanSupplier leading) {
        this.node = node;
        this.address = address;
        this.leading = leading;
        this.processors = new SimpleIoProcessorPool<>(OneReadProcessor.class, Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.acceptor = new NioSocketAcceptor(processors);
        acceptor.setHandler(handler);
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.setCloseOnDeactivation(true);
        acceptor.getSessionConfig().setTcpNoDelay(true);
    }

    /** Binds the master port while this node leads; returns true once bound, false when leadership or the node went. */
    boolean serve() throws InterruptedException {
        long delay = FIRST_RETRY_MILLIS;
        long started = System.nanoTime();
        long lastWarning = started;
        int attempts = 0;
        while (true) {
            synchronized (this) {
                if (closed || !leading.getAsBoolean()) {
                    log.info("[{}] not binding master port {}: {}", node.name(), describe(), closed ? "stopping" : "no longer leader");
                    return false;
                }
                if (bound) {
                    return true;
                }
                attempts++;
                try {
                    boundAddress = MinaTcpServer.bind(acceptor, address);
                    bound = true;
                    log.info("[{}] leader: serving master port {} (after {} attempt(s), {} ms)", node.name(),
                            describe(), attempts, (System.nanoTime() - started) / 1_000_000);
                    return true;
                } catch (BindException e) {
                    long now = System.nanoTime();
                    if ((now - lastWarning) / 1_000_000 >= WARN_EVERY_MILLIS) {
                        lastWarning = now;
                        log.warn("[{}] master port {} still held by another process after {} attempts; retrying", node.name(),
                                describe(), attempts);
                    }
                } catch (IOException | RuntimeException e) {
                    log.error("[{}] cannot bind master port {}; retrying", node.name(), describe(), e);
                }
            }
            Thread.sleep(delay);
            delay = Math.min(delay * 2, MAX_RETRY_MILLIS);
        }
    }

    /** Unbinds at once and closes every master-port session. */
    synchronized void release(String why) {
        if (!bound) {
            return;
        }
        bound = false;
        boundAddress = null;
        int sessions = acceptor.getManagedSessionCount();
        acceptor.unbind();
        for (IoSession session : acceptor.getManagedSessions().values()) {
            session.closeNow();
        }
        log.info("[{}] released master port {} ({}); closed {} session(s)", node.name(), describe(), why, sessions);
    }

    /** True while the master port is bound here. */
    synchronized boolean isServing() {
        return bound;
    }

    /** The bound master address, or null while not serving. */
    InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** The acceptor, bound only while leading (its statistics last the life of the process). */
    org.apache.mina.core.service.IoService acceptor() {
        return acceptor;
    }

    int sessionCount() {
        return acceptor.getManagedSessionCount();
    }

    private String describe() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release("stopping");
        acceptor.dispose(true);
        processors.dispose();
    }
}
