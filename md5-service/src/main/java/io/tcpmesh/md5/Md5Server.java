package io.tcpmesh.md5;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.server.MinaTcpServer;
import jakarta.inject.Inject;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The md5-service's acceptor: {@link MinaTcpServer} with the idle timeout and {@link Md5Handler}, and a
 * once-a-second check of every connection against the minimum rate, on a thread of its own.
 */
public final class Md5Server extends MinaTcpServer {
    private static final Logger log = LoggerFactory.getLogger(Md5Server.class);

    private final Md5Config config;
    private final Md5Handler handler;
    private final Md5Stats stats;
    private final ServiceOptions options;
    private final ScheduledExecutorService rateChecker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("md5-rate-check"));

    @Inject
    public Md5Server(Node node, ServiceOptions options, Md5Config config, Md5Handler handler, Md5Stats stats) {
        super(node, options.bindAddress(), handler, config.ioThreads());
        this.config = config;
        this.handler = handler;
        this.stats = stats;
        this.options = options;
        acceptor().getSessionConfig().setIdleTime(IdleStatus.READER_IDLE, config.idleSeconds());
    }

    @Override
    public InetSocketAddress start() throws IOException {
        InetSocketAddress bound = super.start();
        if (config.minRate() > 0) {
            rateChecker.scheduleWithFixedDelay(this::checkRates, 1, 1, TimeUnit.SECONDS);
        }
        // the launcher names the node after start() returns: name it here the way it will
        log.info("[{}] md5 on port {}: idle timeout {}s, minimum rate {}, at most {} connections, hashing on {} threads",
                options.nodeId(node().service(), bound.getPort()), bound.getPort(), config.idleSeconds(),
                config.minRate() == 0 ? "off" : config.minRate() + " B/s over " + config.rateWindow().toSeconds() + "s",
                config.maxConnections(), config.hashing() == Hashing.IO ? config.ioThreads() + " I/O" : config.ioThreads() + " executor");
        return bound;
    }

    private void checkRates() {
        long now = System.nanoTime();
        try {
            for (IoSession session : acceptor().getManagedSessions().values()) {
                handler.checkRate(session, now);
            }
        } catch (RuntimeException e) {
            log.warn("[{}] minimum-rate check failed", node().name(), e);
        }
    }

    @Override
    public void close() {
        rateChecker.shutdownNow();
        super.close();
        handler.close();
        log.info("[{}] md5 closed: {}", node().name(), stats);
    }
}
