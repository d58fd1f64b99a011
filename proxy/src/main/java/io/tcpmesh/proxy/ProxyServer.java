package io.tcpmesh.proxy;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.proxy.admin.AdminServer;
import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.Discovery;
import io.tcpmesh.proxy.routing.HealthChecker;
import io.tcpmesh.proxy.routing.ProxiedApp;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The proxy: one acceptor for every app port and one connector for the targets, sharing one pool of I/O
 * processors. {@link #apply} puts a configuration in place, binding new ports and unbinding dropped ones
 * without touching open connections.
 */
public final class ProxyServer implements TcpService {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private record Listener(String app, int configuredPort, InetSocketAddress bound) {
    }

    private final Node node;
    private final InetAddress bindAddress;
    private final ProxySettings settings;
    private final ProxyProcessors processors;
    private final NioSocketAcceptor acceptor;
    private final NioSocketConnector connector;
    private final ScheduledExecutorService timer;
    private final Discovery discovery;
    private final HealthChecker health;
    private final AdminServer admin;
    private final ConfigReloader reloader;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private volatile ProxyConfig config;
    private volatile Map<String, ProxiedApp> apps = Map.of();
    private volatile Map<Integer, ProxiedApp> byPort = Map.of();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private volatile boolean stopping;

    public ProxyServer(Node node, ServiceOptions options, ProxySettings settings, ProxyConfig initial,
                       Discovery discovery, CuratorFramework client) {
        this.node = node;
        this.bindAddress = options.bindAddress().getAddress();
        this.settings = settings;
        this.config = initial;
        this.discovery = discovery;
        // one per core the JVM may use: a second thread on one core only adds context switches
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.processors = new ProxyProcessors(threads);
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
        this.health = new HealthChecker(() -> apps.values(), node.name());
        this.admin = new AdminServer(this, settings.adminAddress());
        this.reloader = new ConfigReloader(this, settings, client);
    }

    String name() {
        return node.name();
    }

    NioSocketConnector connector() {
        return connector;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public InetSocketAddress start() throws IOException {
        apply(config);
        health.start();
        InetSocketAddress adminAddress = admin.start();
        reloader.start();
        log.info("[{}] admin pages on http://{}:{}/stats", node.name(), adminAddress.getAddress().getHostAddress(), adminAddress.getPort());
        return adminAddress;
    }

    /**
     * Puts a configuration in place: binds the ports it adds (all or none), updates the apps, then unbinds
     * the ports it drops. Open connections stay with the app and target they have.
     *
     * @throws BindException naming the app and port that could not be bound; nothing changed then
     */
    public synchronized void apply(ProxyConfig next) throws IOException {
        if (stopping) {
            throw new IllegalStateException("the proxy is stopping: configuration not applied");
        }
        Map<String, Listener> wanted = new LinkedHashMap<>();
        for (AppConfig app : next.apps()) {
            int zeros = 0;
            for (int port : app.ports()) {
                String key = port == 0 ? app.name() + "#0#" + zeros++ : String.valueOf(port);
                wanted.put(key, new Listener(app.name(), port, null));
            }
        }
        List<String> added = new ArrayList<>();
        try {
            for (Map.Entry<String, Listener> e : wanted.entrySet()) {
                Listener have = listeners.get(e.getKey());
                if (have == null) {
                    InetSocketAddress bound = bind(e.getValue());
                    listeners.put(e.getKey(), new Listener(e.getValue().app(), e.getValue().configuredPort(), bound));
                    added.add(e.getKey());
                } else if (!have.app().equals(e.getValue().app())) {
                    listeners.put(e.getKey(), new Listener(e.getValue().app(), have.configuredPort(), have.bound()));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (String key : added) {
                acceptor.unbind(listeners.remove(key).bound());
            }
            throw e;
        }
        Map<String, ProxiedApp> nextApps = new LinkedHashMap<>();
        for (AppConfig app : next.apps()) {
            ProxiedApp existing = apps.get(app.name());
            if (existing != null) {
                existing.update(app);
                nextApps.put(app.name(), existing);
            } else {
                nextApps.put(app.name(), new ProxiedApp(app, discovery, node.name()));
            }
        }
        List<String> dropped = new ArrayList<>(listeners.keySet());
        dropped.removeAll(wanted.keySet());
        Map<Integer, ProxiedApp> ports = new HashMap<>();
        Map<String, List<Integer>> portsOfApp = new HashMap<>();
        for (Map.Entry<String, Listener> e : listeners.entrySet()) {
            if (!dropped.contains(e.getKey())) {
                Listener l = e.getValue();
                ports.put(l.bound().getPort(), nextApps.get(l.app()));
                portsOfApp.computeIfAbsent(l.app(), k -> new ArrayList<>()).add(l.bound().getPort());
            }
        }
        nextApps.forEach((name, app) -> app.boundPorts(portsOfApp.getOrDefault(name, List.of())));
        Set<ProxiedApp> gone = new HashSet<>(apps.values());
        gone.removeAll(nextApps.values());
        this.apps = Map.copyOf(nextApps);
        this.byPort = Map.copyOf(ports);
        this.config = next;
        for (String key : dropped) {
            Listener l = listeners.remove(key);
            acceptor.unbind(l.bound());
            log.info("[{}] app {}: stopped listening on port {}", node.name(), l.app(), l.bound().getPort());
        }
        gone.forEach(ProxiedApp::close);
        health.resolvePending(Duration.ofSeconds(2));
        node.attribute("ports", ports.keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
    }

    private InetSocketAddress bind(Listener l) throws IOException {
        Set<SocketAddress> before = new HashSet<>(acceptor.getLocalAddresses());
        try {
            MinaTcpServer.bind(acceptor, new InetSocketAddress(bindAddress, l.configuredPort()));
        } catch (BindException e) {
            throw (BindException) new BindException("app '" + l.app() + "' port " + l.configuredPort() + ": "
                    + e.getMessage()).initCause(e);
        }
        for (SocketAddress a : acceptor.getLocalAddresses()) {
            if (!before.contains(a)) {
                log.info("[{}] app {}: listening on port {}", node.name(), l.app(), ((InetSocketAddress) a).getPort());
                return (InetSocketAddress) a;
            }
        }
        throw new IllegalStateException("bound port " + l.configuredPort() + " not found among " + acceptor.getLocalAddresses());
    }

    ProxiedApp appOnPort(int port) {
        return stopping ? null : byPort.get(port);
    }

    /** Admits a connection under the global cap; false (counted) when full. */
    boolean admit() {
        int max = config.maxConnections();
        if (active.incrementAndGet() > max && max > 0) {
            active.decrementAndGet();
            rejected.increment();
            return false;
        }
        return true;
    }

    void released() {
        active.decrementAndGet();
    }

    public int activeConnections() {
        return active.get();
    }

    public long rejectedConnections() {
        return rejected.sum();
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
        long sum = 0;
        for (IoSession s : acceptor.getManagedSessions().values()) {
            sum += s.getScheduledWriteBytes();
        }
        for (IoSession s : connector.getManagedSessions().values()) {
            sum += s.getScheduledWriteBytes();
        }
        return sum;
    }

    public Discovery discovery() {
        return discovery;
    }

    public ConfigReloader reloader() {
        return reloader;
    }

    public boolean isStopping() {
        return stopping;
    }

    public Node node() {
        return node;
    }

    @Override
    public synchronized void stopAccepting() {
        stopping = true;
        acceptor.unbind();
        listeners.clear();
        log.info("[{}] stopped accepting; {} connection(s) open", node.name(), active.get());
    }

    @Override
    public int awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return active.get();
    }

    @Override
    public void close() {
        stopping = true;
        reloader.close();
        admin.close();
        health.close();
        for (IoSession s : acceptor.getManagedSessions().values()) {
            s.closeNow();
        }
        for (IoSession s : connector.getManagedSessions().values()) {
            s.closeNow();
        }
        acceptor.dispose(true);
        connector.dispose(true);
        processors.dispose();
        timer.shutdownNow();
        apps.values().forEach(ProxiedApp::close);
    }
}
