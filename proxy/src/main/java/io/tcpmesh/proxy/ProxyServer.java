package io.tcpmesh.proxy;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The forwarding core: the sockets ({@link ProxySockets}), the listeners ({@link Listeners}) and the apps
 * ({@link AppTable}) of the configuration in place. {@link #apply} puts a configuration in place, binding new
 * ports and unbinding dropped ones without touching open connections. {@link ProxyService} runs it beside the
 * health checks, the admin pages and the reloader.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final Node node;
    private final HealthChecker health;
    private final ProxySockets sockets = new ProxySockets();
    private final AppTable apps;
    private final Listeners listeners;
    private final ProxyTls tls;
    private final GlobalConnections connections = new GlobalConnections(() -> config().maxConnections());
    private volatile ProxyConfig config;
    private volatile boolean stopping;

    public ProxyServer(Node node, InetAddress bindAddress, ProxyConfig initial, Discovery discovery, HealthChecker health) {
        this.node = node;
        this.config = initial;
        this.health = health;
        this.apps = new AppTable(discovery, node.name());
        this.tls = new ProxyTls(node::name);
        Forwarding core = new Forwarding(node.name(), sockets, connections, apps, tls);
        sockets.handle(new ProxyFrontendHandler(core), new ProxyBackendHandler(core));
        this.listeners = new Listeners(sockets.acceptor(), bindAddress, node.name());
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
        tls.update(next); // new clients get the new certificates; open ones keep theirs
        Set<ProxiedApp> gone = apps.apply(next, ports);
        sockets.abandonedConnectsAfter(next.apps().stream().map(AppConfig::connectTimeout).max(Duration::compareTo)
                .orElse(AppConfig.DEFAULT_CONNECT_TIMEOUT));
        this.config = next;
        listeners.unbindDropped();
        gone.forEach(ProxiedApp::close);
        health.resolvePending(Duration.ofSeconds(2));
        node.attribute("ports", ports.keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
    }

    String name() {
        return node.name();
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
        return apps.all();
    }

    public ProxiedApp app(String name) {
        return apps.named(name);
    }

    /** The ports an app listens on, as bound. */
    public List<Integer> ports(String app) {
        ProxiedApp a = apps.named(app);
        return a == null ? List.of() : a.boundPorts();
    }

    /** Every app's counters, in the configuration's order. */
    public List<AppStats> stats() {
        return apps.stats();
    }

    /** Bytes waiting in MINA's write queues, over every session of the proxy. */
    public long queuedBytes() {
        return sockets.queuedBytes();
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
        apps.stopAccepting();
        sockets.acceptor().unbind();
        listeners.clear();
        log.info("[{}] stopped accepting; {} connection(s) open", node.name(), connections.active());
    }

    public int awaitDrained(Duration timeout) throws InterruptedException {
        return connections.awaitNone(timeout);
    }

    @Override
    public void close() {
        stopping = true;
        apps.stopAccepting();
        sockets.close();
        apps.closeAll();
    }
}
