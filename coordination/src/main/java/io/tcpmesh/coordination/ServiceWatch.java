package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live instances of one service, kept current by a ZooKeeper watch. Made by
 * {@link ServiceRegistry#watch}.
 *
 * <p>While ZooKeeper is unreachable the watch keeps the instances it last knew. A caller that finds an
 * instance failing calls {@link #reportFailing}; {@link #instances()} leaves it out until the quarantine
 * ends.
 *
 * <p>With a departure grace, an instance whose node disappears is still listed until it has been gone that
 * long: curator-x-discovery re-registers after a reconnect by deleting and re-creating the node, and a
 * watcher must not see the service empty for that moment. An instance that comes back (same id) within the
 * grace never left; its current data is listed.
 *
 * <p>Thread-safe. Listeners run on the watch's own single thread, in order, and receive the whole
 * list each time. Close the watch to stop the ZooKeeper watch and the thread.
 */
public final class ServiceWatch implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ServiceWatch.class);

    private final String service;
    private final Supplier<ServiceCache<InstanceDetails>> caches;
    private volatile ServiceCache<InstanceDetails> cache;
    private final ScheduledExecutorService events;
    private final List<Consumer<List<Instance>>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Long> failingUntil = new ConcurrentHashMap<>();
    private final Map<String, Departure> departed = new ConcurrentHashMap<>();
    private final Duration departureGrace;
    private final Clock clock;
    private Map<String, Instance> lastPresent = Map.of(); // on the events thread only
    private volatile boolean initialised;
    private volatile boolean closed;

    /** Each cache from {@code caches} is started once; one that fails to start is closed and a new one made. */
    ServiceWatch(String service, Supplier<ServiceCache<InstanceDetails>> caches, Duration departureGrace) {
        this(service, caches, departureGrace, Clock.systemUTC());
    }

    ServiceWatch(String service, Supplier<ServiceCache<InstanceDetails>> caches, Duration departureGrace, Clock clock) {
        this.service = service;
        this.caches = caches;
        this.departureGrace = departureGrace;
        this.clock = clock;
        this.events = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("zk-watch-" + service));
    }

    void start() {
        events.execute(this::open);
    }

    private final ServiceCacheListener cacheListener = new ServiceCacheListener() {
        @Override
        public void cacheChanged() {
            fire();
        }

        @Override
        public void stateChanged(CuratorFramework client, ConnectionState newState) {
            // the cache keeps its last instances while disconnected: nothing to do
        }
    };

    private void open() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        while (!closed) {
            ServiceCache<InstanceDetails> next = caches.get();
            next.addListener(cacheListener, events);
            try {
                // blocks while ZooKeeper is unreachable, and fails (NoAuth) while a protected tree lacks the
                // service's folder, which the cache would create: so it runs here and is retried with a new cache
                CountDownLatch filled = next.startImmediate();
                cache = next;
                if (closed) {
                    closeQuietly(next);
                    return;
                }
                filled.await();
                initialised = true;
                log.debug("watching service {}: {}", service, instances());
                fire();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                closeQuietly(next);
                log.debug("watch on service {} not started yet: {}", service, e.toString());
                sleep(backoff.next().toMillis());
            }
        }
    }

    private void closeQuietly(ServiceCache<InstanceDetails> c) {
        try {
            c.close();
        } catch (IllegalStateException notStarted) {
            // never started, or closed already: nothing to close
        } catch (Exception e) {
            log.warn("closing watch on {} failed", service, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Departure(Instance instance, long since) {
    }

    private void fire() {
        noteDepartures();
        List<Instance> now = instances();
        for (Consumer<List<Instance>> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                log.warn("listener on service {} failed", service, e);
            }
        }
    }

    /** On the events thread: instances that vanished start their grace; those back end it. */
    private void noteDepartures() {
        Map<String, Instance> present = new HashMap<>();
        for (Instance i : present()) {
            present.put(i.id(), i);
        }
        long now = clock.millis();
        lastPresent.forEach((id, i) -> {
            if (!present.containsKey(id)) {
                departed.putIfAbsent(id, new Departure(i, now));
            }
        });
        departed.keySet().removeAll(present.keySet());
        departed.values().removeIf(d -> now - d.since() >= departureGrace.toMillis());
        lastPresent = present;
        departed.values().stream().mapToLong(Departure::since).min().ifPresent(first -> events.schedule(this::fire,
                Math.max(1, first + departureGrace.toMillis() - now), TimeUnit.MILLISECONDS));
    }

    public String service() {
        return service;
    }

    /** True once the watch has read ZooKeeper at least once. */
    public boolean isInitialised() {
        return initialised;
    }

    /**
     * Every instance ZooKeeper lists, including those reported failing and those gone for less than the
     * departure grace, sorted by id; a registration that does not parse is left out (with one warning when it
     * is read).
     */
    public List<Instance> allInstances() {
        List<Instance> all = new ArrayList<>(present());
        long now = clock.millis();
        for (Departure d : departed.values()) {
            if (now - d.since() < departureGrace.toMillis() && all.stream().noneMatch(i -> i.id().equals(d.instance().id()))) {
                all.add(d.instance());
            }
        }
        all.sort(Comparator.comparing(Instance::id));
        return List.copyOf(all);
    }

    private List<Instance> present() {
        ServiceCache<InstanceDetails> current = cache;
        if (current == null) {
            return List.of();
        }
        return current.getInstances().stream()
                .filter(CheckedInstanceSerializer::isValid)
                .map(Instance::of)
                .toList();
    }

    /** The instances to use: those ZooKeeper lists, minus those reported failing, sorted by id. */
    public List<Instance> instances() {
        long now = clock.millis();
        failingUntil.values().removeIf(until -> until <= now);
        return allInstances().stream().filter(i -> !failingUntil.containsKey(i.id())).toList();
    }

    /** Leaves an instance out of {@link #instances()} for the given time. */
    public void reportFailing(Instance instance, Duration quarantine) {
        failingUntil.put(instance.id(), clock.millis() + quarantine.toMillis());
        log.info("service {}: instance {} reported failing, left out for {} ms", service, instance, quarantine.toMillis());
        events.execute(this::fire);
    }

    /** Calls the listener with the current list at once (on the watch thread), then on every change. */
    public void addListener(Consumer<List<Instance>> listener) {
        listeners.add(listener);
        events.execute(() -> listener.accept(instances()));
    }

    public void removeListener(Consumer<List<Instance>> listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
        ServiceCache<InstanceDetails> current = cache;
        if (current != null) {
            closeQuietly(current);
        }
        events.shutdownNow();
        try {
            events.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "watch on service " + service;
    }
}
