package io.tcpmesh.md5;

import com.google.inject.Inject;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.server.MinaTcpServer;
import org.apache.mina.core.session.IdleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;

/** The md5-service's acceptor: {@link MinaTcpServer} with the idle timeout and {@link Md5Handler}. */
public final class Md5Server extends MinaTcpServer {
    private static final Logger log = LoggerFactory.getLogger(Md5Server.class);

    private final Md5Config config;
    private final Md5Handler handler;
    private final Md5Stats stats;
    private final ServiceOptions options;

    @Inject
    public Md5Server(Node node, ServiceOptions options, Md5Config config, Md5Handler handler, Md5Stats stats) {
        super(node, options.bindAddress(), handler, config.ioThreads());
        this.config = config;
        this.handler = handler;
        this.stats = stats;
        this.options = options;
        useTls(options.tls());
        acceptor().getSessionConfig().setIdleTime(IdleStatus.READER_IDLE, config.idleSeconds());
    }

    @Override
    public InetSocketAddress start() throws IOException {
        InetSocketAddress bound = super.start();
        // the launcher names the node after start() returns: name it here the way it will
        log.info("[{}] md5 on port {}: idle timeout {}s, at most {} connections, hashing on {} threads",
                options.nodeId(node().service(), bound.getPort()), bound.getPort(), config.idleSeconds(), config.maxConnections(),
                config.hashing() == Hashing.IO ? config.ioThreads() + " I/O" : config.ioThreads() + " executor");
        return bound;
    }

    @Override
    public void close() {
        super.close();
        handler.close();
        log.info("[{}] md5 closed: {}", node().name(), stats);
    }
}
