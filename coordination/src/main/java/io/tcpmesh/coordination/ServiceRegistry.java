package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Registration and discovery of tcpmesh services under {@code <root>/services}.
 *
 * <p>Instances live at {@code <root>/services/SERVICE/INSTANCE-ID} as ephemeral nodes holding
 * curator-x-discovery JSON. Registration is asynchronous: {@link #register} returns at once and the
 * instance appears as soon as ZooKeeper is reachable; after a reconnection or a session expiry it is
 * written again with its current data, under the same id, so it never appears twice.
 *
 * <p>Thread-safe. The registry does not own the Curator client: close the registry (which closes every
 * registration and watch it made) before closing the client.
 */
public final class ServiceRegistry implements Closeable {
    /** The folder, below the root, that holds every service. */
    public static final String SERVICES_PATH = "/services";

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(3);

    private enum State { LATENT, STARTED, CLOSED }

    private final CuratorFramework client;
    private final ServiceDiscovery<InstanceDetails> discovery;
    private final ExecutorService registrar;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final List<Closeable> children = new ArrayList<>();

    public ServiceRegistry(CuratorFramework client) {
        this.client = Objects.requireNonNull(client, "client cannot be null");
        this.discovery = ServiceDiscoveryBuilder.builder(InstanceDetails.class)
                .client(client)
                .basePath(SERVICES_PATH)
                .serializer(new CheckedInstanceSerializer())
                .build();
        this.registrar = Executors.newSingleThreadExecutor(DaemonThreads.named("zk-registrar"));
    }

    /** Starts the registry. Never blocks on ZooKeeper. */
    public ServiceRegistry start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("registry already started or closed");
        }
        // Not discovery.start(): its listener re-registers on Curator's one connection-state thread and
        // blocks it while ZooKeeper is unreachable, delaying every other listener (a leader's SUSPENDED).
        // Re-registration runs on the registrar thread instead.
        client.getConnectionStateListenable().addListener(connectionListener, registrar);
        return this;
    }

    private final ConnectionStateListener connectionListener = (c, newState) -> {
        if (newState.isConnected() && newState != ConnectionState.READ_ONLY) {
            registrations().forEach(Registration::ensure);
        }
    };

    private List<Registration> registrations() {
        synchronized (children) {
            return children.stream().filter(Registration.class::isInstance).map(Registration.class::cast).toList();
        }
    }

    /**
     * Registers an instance. Call only once its port is bound. Returns at once; the instance is
     * written as soon as ZooKeeper is reachable.
     */
    public Registration register(String service, String id, String host, int port, InstanceDetails details) {
        requireStarted();
        ServiceInstance<InstanceDetails> instance = instance(service, id, host, port, details);
        Registration registration = new Registration(this, instance);
        synchronized (children) {
            children.add(registration);
        }
        registrar.execute(() -> registration.write());
        return registration;
    }

    /**
     * Watches the live instances of a service. The watch is started; it fills as soon as ZooKeeper is
     * reachable and keeps the last instances it knew while ZooKeeper is not.
     */
    public ServiceWatch watch(String service) {
        return watch(service, Duration.ZERO);
    }

    /**
     * Like {@link #watch(String)}, and an instance whose node disappears stays listed until it has been gone
     * for {@code departureGrace} (a re-registration never empties the list).
     */
    public ServiceWatch watch(String service, Duration departureGrace) {
        requireStarted();
        if (departureGrace.isNegative()) {
            throw new IllegalArgumentException("departureGrace cannot be negative");
        }
        ServiceWatch watch = new ServiceWatch(service, () -> discovery.serviceCacheBuilder().name(service).build(), departureGrace);
        synchronized (children) {
            children.add(watch);
        }
        watch.start();
        return watch;
    }

    /**
     * The names of every service with a folder under {@code <root>/services}, sorted. Blocks on ZooKeeper
     * (for up to Curator's retry policy): never call it on an I/O thread.
     *
     * @throws Exception when ZooKeeper cannot be read
     */
    public List<String> services() throws Exception {
        if (client.checkExists().forPath(SERVICES_PATH) == null) {
            return List.of();
        }
        return client.getChildren().forPath(SERVICES_PATH).stream().sorted().toList();
    }

    CuratorFramework client() {
        return client;
    }

    ServiceDiscovery<InstanceDetails> discovery() {
        return discovery;
    }

    ExecutorService registrar() {
        return registrar;
    }

    void forget(Closeable child) {
        synchronized (children) {
            children.remove(child);
        }
    }

    private void requireStarted() {
        if (state.get() != State.STARTED) {
            throw new IllegalStateException("registry is " + state.get().name().toLowerCase() + ", not started");
        }
    }

    /** Deregisters every instance and closes every watch; keeps closing past failures. */
    @Override
    public void close() {
        if (!state.compareAndSet(State.STARTED, State.CLOSED)) {
            state.set(State.CLOSED);
            registrar.shutdownNow();
            return;
        }
        List<Closeable> toClose;
        synchronized (children) {
            toClose = new ArrayList<>(children);
        }
        for (Closeable child : toClose) {
            Closeables.closeQuietly(child, log);
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        registrar.shutdownNow();
        closeDiscovery();
    }

    /**
     * The discovery's close unregisters whatever it still lists through Curator's retries, without a
     * bound: with ZooKeeper unreachable that held a stopping service for tens of seconds. Bounded here;
     * an ephemeral node left behind goes with the session when the client closes.
     */
    private void closeDiscovery() {
        Thread closer = DaemonThreads.thread("zk-discovery-close", () -> Closeables.closeQuietly(discovery, log));
        closer.start();
        try {
            closer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("ZooKeeper did not answer within {} ms while closing service discovery; going on", CLOSE_WAIT.toMillis());
        }
    }

    private static ServiceInstance<InstanceDetails> instance(String service, String id, String host, int port,
                                                             InstanceDetails details) {
        try {
            return ServiceInstance.<InstanceDetails>builder()
                    .name(Objects.requireNonNull(service, "service cannot be null"))
                    .id(Objects.requireNonNull(id, "id cannot be null"))
                    .address(Objects.requireNonNull(host, "host cannot be null"))
                    .port(port)
                    .payload(Objects.requireNonNull(details, "details cannot be null"))
                    .uriSpec(new UriSpec("tcp://{address}:{port}"))
                    .build();
        } catch (Exception e) {
            throw new IllegalArgumentException("bad instance " + service + "/" + id, e);
        }
    }
}
