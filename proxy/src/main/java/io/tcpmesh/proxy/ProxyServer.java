package io.tcpmesh.proxy;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.proxy.admin.ProxyStatus;
import io.tcpmesh.proxy.admin.ReloadStats;
import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.Discovery;
import io.tcpmesh.proxy.routing.HealthChecker;
import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.tls.ProxyTls;
import org.apache.mina.core.service.IoService;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The forwarding core: one acceptor for every app port and one connector for the targets, sharing one pool
 * of I/O processors. {@link #apply} puts a configuration in place, binding new ports and unbinding dropped
 * ones without touching open connections. {@link ProxyService} runs it beside the health checks, the admin
 * pages and the reloader.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final Node node;
    private final ProxyProcessors processors;
    private final NioSocketAcceptor acceptor;
    private final NioSocketConnector connector;
    private final ScheduledExecutorService timer;
    private final Discovery discovery;
    private final HealthChecker health;
    private final Listeners listeners;
    private final ProxyTls tls;
    private final GlobalConnections connections = new GlobalConnections(() -> config().maxConnections());
    private volatile ProxyConfig config;
    private volatile Map<String, ProxiedApp> apps = Map.of();
    private volatile Map<Integer, ProxiedApp> byPort = Map.of();
    private volatile boolean stopping;

    public ProxyServer(Node node, InetAddress bindAddress, ProxyConfig initial, Discovery discovery, HealthChecker health) {
        this.node = node;
        this.config = initial;
        this.discovery = discovery;
        this.health = health;
        // one per core the JVM may use: a second thread on one core only adds context switches
        this.processors = new ProxyProcessors(Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.acceptor = new NioSocketAcceptor(processors);
        acceptor.setHandler(new ProxyFrontendHandler(this));
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.setCloseOnDeactivation(false);
        acceptor.getSessionConfig().setTcpNoDelay(true);
        this.connector = new NioSocketConnector(processors);
        connector.setHandler(new ProxyBackendHandler(this));
        connector.getSessionConfig().setTcpNoDelay(true);
        connector.setConnectTimeoutMillis(60_000); // each attempt has its own, shorter, timer
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("proxy-timer"));
        this.listeners = new Listeners(acceptor, bindAddress, node.name());
        this.tls = new ProxyTls(node::name);
    }

    /** Binds the initial configuration's ports. */
    public void start() throws IOException {
        apply(config);
    }

    /**
     * Puts a configuration in place: binds the ports it adds (all or none), updates the apps, then unbinds
     * the ports it drops. Open connections stay with the app and target they have.
     *
     * @throws java.net.BindException naming the app and port that could not be bound; nothing changed then
     */
    public synchronized void apply(ProxyConfig next) throws IOException {
        if (stopping) {
            throw new IllegalStateException("the proxy is stopping: configuration not applied");
        }
        Map<Integer, String> ports = listeners.bind(next);
        Map<String, ProxiedApp> nextApps = new LinkedHashMap<>();
        for (AppConfig app : next.apps()) {
            ProxiedApp existing = apps.get(app.name());
            if (existing != null) {
                existing.update(app);
            }
            nextApps.put(app.name(), existing != null ? existing : new ProxiedApp(app, discovery, node.name()));
        }
        Map<Integer, ProxiedApp> appOfPort = new HashMap<>();
        ports.forEach((port, app) -> appOfPort.put(port, nextApps.get(app)));
        nextApps.forEach((name, app) -> app.boundPorts(ports.entrySet().stream().filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey).sorted().toList()));
        Set<ProxiedApp> gone = new HashSet<>(apps.values());
        gone.removeAll(nextApps.values());
        tls.update(next); // new clients get the new certificates; open ones keep theirs
        this.apps = Map.copyOf(nextApps);
        this.byPort = Map.copyOf(appOfPort);
        this.config = next;
        listeners.unbindDropped();
        gone.forEach(ProxiedApp::close);
        health.resolvePending(Duration.ofSeconds(2));
        node.attribute("ports", ports.keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
    }

    String name() {
        return node.name();
    }

    NioSocketConnector connector() {
        return connector;
    }

    ProxyTls tls() {
        return tls;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    ProxiedApp appOnPort(int port) {
        return stopping ? null : byPort.get(port);
    }

    GlobalConnections connections() {
        return connections;
    }

    public int activeConnections() {
        return connections.active();
    }

    public long rejectedConnections() {
        return connections.rejected();
    }

    public ProxyConfig config() {
        return config;
    }

    public Collection<ProxiedApp> apps() {
        return apps.values();
    }

    public ProxiedApp app(String name) {
        return apps.get(name);
    }

    /** The ports an app listens on, as bound. */
    public List<Integer> ports(String app) {
        ProxiedApp a = apps.get(app);
        return a == null ? List.of() : a.boundPorts();
    }

    /** Every app's counters, in the configuration's order. */
    public List<AppStats> stats() {
        Map<String, ProxiedApp> now = apps;
        return config.apps().stream().map(a -> now.get(a.name())).filter(java.util.Objects::nonNull).map(ProxiedApp::stats).toList();
    }

    /** Bytes waiting in MINA's write queues, over every session of the proxy. */
    public long queuedBytes() {
        return queued(acceptor) + queued(connector);
    }

    private static long queued(IoService service) {
        long sum = 0;
        for (IoSession s : service.getManagedSessions().values()) {
            sum += s.getScheduledWriteBytes();
        }
        return sum;
    }

    /** A snapshot for the admin pages. */
    public ProxyStatus status(ReloadStats reloads) {
        return new ProxyStatus(node.name(), stopping, connections.active(), config.maxConnections(), connections.rejected(),
                queuedBytes(), reloads, stats(), tls.stats());
    }

    public boolean isStopping() {
        return stopping;
    }

    public synchronized void stopAccepting() {
        stopping = true;
        acceptor.unbind();
        listeners.clear();
        log.info("[{}] stopped accepting; {} connection(s) open", node.name(), connections.active());
    }

    public int awaitDrained(Duration timeout) throws InterruptedException {
        return connections.awaitNone(timeout);
    }

    @Override
    public void close() {
        stopping = true;
        acceptor.getManagedSessions().values().forEach(IoSession::closeNow);
        connector.getManagedSessions().values().forEach(IoSession::closeNow);
        acceptor.dispose(true);
        connector.dispose(true);
        processors.dispose();
        timer.shutdownNow();
        apps.values().forEach(ProxiedApp::close);
    }
}
