package io.tcpmesh.coordination.server;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.TcpService;
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
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link TcpService} over one MINA {@link NioSocketAcceptor}: binds, unbinds without closing the open
 * sessions, drains and disposes. Subclasses or callers add filters to {@link #acceptor()} before
 * {@link #start()}.
 */
public class MinaTcpServer implements TcpService {
    private static final Logger log = LoggerFactory.getLogger(MinaTcpServer.class);

    private final Node node;
    private final InetSocketAddress bindAddress;
    private final SimpleIoProcessorPool<NioSession> processors;
    private final NioSocketAcceptor acceptor;

    public MinaTcpServer(Node node, InetSocketAddress bindAddress, IoHandler handler) {
        this(node, bindAddress, handler, Runtime.getRuntime().availableProcessors());
    }

    public MinaTcpServer(Node node, InetSocketAddress bindAddress, IoHandler handler, int ioThreads) {
        this.node = Objects.requireNonNull(node, "node cannot be null");
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress cannot be null");
        this.processors = new SimpleIoProcessorPool<>(OneReadProcessor.class, ioThreads);
        this.acceptor = new NioSocketAcceptor(processors);
        acceptor.setHandler(Objects.requireNonNull(handler, "handler cannot be null"));
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        // unbinding stops accepting but leaves open sessions to finish (graceful drain)
        acceptor.setCloseOnDeactivation(false);
        acceptor.getSessionConfig().setTcpNoDelay(true);
    }

    public NioSocketAcceptor acceptor() {
        return acceptor;
    }

    protected Node node() {
        return node;
    }

    @Override
    public InetSocketAddress start() throws IOException {
        return bind(acceptor, bindAddress);
    }

    /** Binds an acceptor, turning MINA's wrapped failure into a {@link BindException} that names the address. */
    public static InetSocketAddress bind(NioSocketAcceptor acceptor, InetSocketAddress address) throws IOException {
        try {
            acceptor.bind(address);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw (BindException) new BindException("cannot bind " + describe(address) + ": " + t.getMessage()).initCause(e);
                }
            }
            throw e;
        }
        return acceptor.getLocalAddress();
    }

    private static String describe(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void stopAccepting() {
        acceptor.unbind();
    }

    @Override
    public int awaitDrained(Duration timeout) throws InterruptedException {
        return awaitNoSessions(acceptor, timeout);
    }

    /** Waits until an acceptor has no sessions left, or the timeout passes; returns how many are left. */
    public static int awaitNoSessions(NioSocketAcceptor acceptor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acceptor.getManagedSessionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return acceptor.getManagedSessionCount();
    }

    @Override
    public void close() {
        for (IoSession session : acceptor.getManagedSessions().values()) {
            session.closeNow();
        }
        acceptor.dispose(true);
        // the acceptor disposes only processors it made itself
        processors.dispose();
        log.debug("[{}] acceptor disposed", node.name());
    }
}
