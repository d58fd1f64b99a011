package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.proxy.admin.AdminServer;
import io.tcpmesh.proxy.routing.HealthChecker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The proxy as the launcher runs it: starts the forwarding core, the health checks, the admin pages and the
 * configuration reloader, in that order, and closes them in the reverse order. Registers the admin address.
 */
public final class ProxyService implements TcpService {
    private static final Logger log = LoggerFactory.getLogger(ProxyService.class);

    private final ProxyServer server;
    private final HealthChecker health;
    private final AdminServer admin;
    private final ConfigReloader reloader;

    public ProxyService(ProxyServer server, HealthChecker health, AdminServer admin, ConfigReloader reloader) {
        this.server = server;
        this.health = health;
        this.admin = admin;
        this.reloader = reloader;
    }

    @Override
    public InetSocketAddress start() throws IOException {
        server.start();
        health.start();
        InetSocketAddress adminAddress = admin.start();
        reloader.start();
        log.info("[{}] admin pages on http://{}:{}/stats", server.name(), adminAddress.getAddress().getHostAddress(), adminAddress.getPort());
        return adminAddress;
    }

    @Override
    public void stopAccepting() {
        server.stopAccepting();
    }

    @Override
    public int awaitDrained(Duration timeout) throws InterruptedException {
        return server.awaitDrained(timeout);
    }

    @Override
    public void close() {
        reloader.close();
        admin.close();
        health.close();
        server.close();
    }
}
