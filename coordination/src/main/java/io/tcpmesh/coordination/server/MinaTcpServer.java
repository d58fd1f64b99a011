package io.tcpmesh.coordination.server;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.coordination.tls.TlsFilter;
import io.tcpmesh.coordination.tls.TlsServerConfig;
import io.tcpmesh.coordination.tls.TlsStats;
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
import java.util.Optional;

/**
 * A {@link TcpService} over one MINA {@link NioSocketAcceptor}: binds, unbinds without closing the open
 * sessions, drains and disposes. Subclasses or callers add filters to {@link #acceptor()} before
 * {@link #start()}. Made from {@link ServiceOptions}, it serves TLS when {@code --tls-cert} is given
 * ({@link TlsFilter} first in the chain) and publishes {@code tls=true|false} in the node's payload.
 */
public class MinaTcpServer implements TcpService {
    private static final Logger log = LoggerFactory.getLogger(MinaTcpServer.class);

    private final Node node;
    private final InetSocketAddress bindAddress;
    private final SimpleIoProcessorPool<NioSession> processors;
    private final NioSocketAcceptor acceptor;
    private Optional<TlsStats> tlsStats = Optional.empty();

    public MinaTcpServer(Node node, InetSocketAddress bindAddress, IoHandler handler) {
        this(node, bindAddress, handler, Runtime.getRuntime().availableProcessors());
    }

    /** Binds {@code --bind}/{@code --port}, with TLS when the options ask for it. */
    public MinaTcpServer(Node node, ServiceOptions options, IoHandler handler) {
        this(node, options.bindAddress(), handler);
        useTls(options.tls());
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

    /** Serves TLS with this config (before {@link #start()}); says in the node's payload whether it does. */
    public void useTls(Optional<TlsServerConfig> config) {
        tlsStats = addTls(acceptor, node, config);
    }

    /**
     * Puts a server-side {@link TlsFilter} first in an acceptor's chain when a config is given, and sets
     * the node attribute {@code tls} to {@code true} or {@code false}.
     */
    public static Optional<TlsStats> addTls(NioSocketAcceptor acceptor, Node node, Optional<TlsServerConfig> config) {
        node.attribute("tls", Boolean.toString(config.isPresent()));
        if (config.isEmpty()) {
            return Optional.empty();
        }
        TlsStats stats = new TlsStats();
        acceptor.getFilterChain().addFirst("tls", TlsFilter.server(config.get(), node, stats));
        return Optional.of(stats);
    }

    /** The handshake counts when serving TLS. */
    public Optional<TlsStats> tlsStats() {
        return tlsStats;
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
