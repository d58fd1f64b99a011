package io.tcpmesh.coordination.bootstrap;

import com.google.inject.Injector;
import io.tcpmesh.coordination.Closeables;
import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.Registration;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.admin.AdminEndpoint;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started service: bound, and registered (or registering) in ZooKeeper.
 *
 * <p>{@link #close()} stops it in order: deregister, stop accepting, drain up to the drain timeout,
 * close the service, then the registry and the ZooKeeper client. Safe to call more than once, from any
 * thread.
 */
public final class RunningService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningService.class);

    private final Injector injector;
    private final TcpService service;
    private final Node node;
    private final ServiceOptions options;
    private final InetSocketAddress address;
    private final Registration registration;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean draining;
    private final AdminEndpoint admin;

    private RunningService(Injector injector, TcpService service, Node node, ServiceOptions options,
                           InetSocketAddress address, Registration registration, AtomicBoolean draining, AdminEndpoint admin) {
        this.injector = injector;
        this.draining = draining;
        this.admin = admin;
        this.service = service;
        this.node = node;
        this.options = options;
        this.address = address;
        this.registration = registration;
    }

    static RunningService start(Injector injector, ServiceOptions options) throws Exception {
        Node node = injector.getInstance(Node.class);
        TcpService service = injector.getInstance(TcpService.class);
        InetSocketAddress bound;
        try {
            bound = service.start();
        } catch (Exception e) {
            Closeables.closeQuietly(service, log);
            closeCoordination(injector);
            throw e;
        }
        node.named(options.nodeId(node.service(), bound.getPort()));
        AtomicBoolean draining = new AtomicBoolean();
        AdminEndpoint admin;
        try {
            admin = ServiceAdmin.start(injector, node, options, bound, draining::get);
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(service, log);
            closeCoordination(injector);
            throw e;
        }
        ServiceRegistry registry = injector.getInstance(ServiceRegistry.class);
        Registration registration = registry.register(node.service(), node.name(), options.advertisedHost(),
                bound.getPort(), node.details());
        node.onAttributesChanged(registration::update);
        // an attribute set between reading the details and adding the listener would be lost
        registration.update(node.attributes());
        warnWhileZooKeeperIsDown(injector, node);
        log.info("[{}] serving on {}:{}, registering as {}/{} at {}:{}", node.name(), bound.getAddress().getHostAddress(),
                bound.getPort(), node.service(), node.name(), options.advertisedHost(), bound.getPort());
        if (admin != null) {
            log.info("[{}] admin endpoint on http://{}/health and /metrics", node.name(), node.attributes().get(ServiceAdmin.ATTRIBUTE));
        }
        return new RunningService(injector, service, node, options, bound, registration, draining, admin);
    }

    private static void warnWhileZooKeeperIsDown(Injector injector, Node node) {
        CuratorFramework client = injector.getInstance(CuratorFramework.class);
        ZooKeeperConfig config = injector.getInstance(ZooKeeperConfig.class);
        DaemonThreads.start("zk-reachable-" + node.name(), () -> {
            try {
                if (!client.blockUntilConnected(Math.toIntExact(config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
                    log.warn("[{}] ZooKeeper {} is not reachable: serving anyway, registering as soon as it is",
                            node.name(), config.connectString());
                }
            } catch (InterruptedException | IllegalStateException e) {
                // stopping
            }
        });
    }

    public Injector injector() {
        return injector;
    }

    public Node node() {
        return node;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    public Registration registration() {
        return registration;
    }

    /** The admin endpoint's {@code host:port} as registered, or null when it is off. */
    public String adminAddress() {
        return node.attributes().get(ServiceAdmin.ATTRIBUTE);
    }

    /** True from the start of {@link #close()}: {@code /health} answers 503 draining. */
    public boolean isDraining() {
        return draining.get();
    }

    public <T> T instance(Class<T> type) {
        return injector.getInstance(type);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String name = node.name();
        draining.set(true);
        log.info("[{}] stopping: deregistering, then draining for up to {}", name, Durations.format(options.drainTimeout()));
        registration.close();
        service.stopAccepting();
        try {
            int left = service.awaitDrained(options.drainTimeout());
            if (left > 0) {
                log.warn("[{}] {} connection(s) still open after {}: closing them", name, left, Durations.format(options.drainTimeout()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Closeables.closeQuietly(service, log);
        if (admin != null) {
            admin.close();
        }
        closeCoordination(injector);
        log.info("[{}] stopped", name);
    }

    private static void closeCoordination(Injector injector) {
        Closeables.closeQuietly(injector.getInstance(ServiceRegistry.class), log);
        Closeables.closeQuietly(injector.getInstance(CuratorFramework.class), log);
    }

    /** A bound for {@link #close()}: drain timeout plus time to close. */
    public Duration stopBudget() {
        return options.drainTimeout().plusSeconds(5);
    }
}
