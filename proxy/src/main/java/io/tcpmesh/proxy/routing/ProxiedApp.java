package io.tcpmesh.proxy.routing;

import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.Balancing;
import io.tcpmesh.proxy.config.TargetSpec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One app at run time: its current configuration, its targets and its counters. A reload
 * {@link #update updates} it in place, so counters, health and open connections carry over; a connection
 * keeps the target it chose.
 */
public final class ProxiedApp implements AutoCloseable {
    private final String name;
    private final Discovery discovery;
    private final String logName;
    private volatile AppConfig config;
    private volatile List<Target> statics = List.of();
    private volatile List<DiscoveredTargets> discovered = List.of();
    private volatile Target[] candidates = new Target[0];
    private volatile List<Integer> boundPorts = List.of();
    private final AtomicInteger next = new AtomicInteger();
    private final SourceCounts sources = new SourceCounts();

    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder failed = new LongAdder();

    public ProxiedApp(AppConfig config, Discovery discovery, String logName) {
        this.name = config.name();
        this.discovery = discovery;
        this.logName = logName;
        update(config);
    }

    public String name() {
        return name;
    }

    public AppConfig config() {
        return config;
    }

    /** Applies a new configuration of the same app: keeps the targets it still lists, with their counters. */
    public synchronized void update(AppConfig newConfig) {
        Map<String, Target> oldStatics = statics.stream().collect(Collectors.toMap(Target::key, Function.identity(), (a, b) -> a));
        List<Target> newStatics = new ArrayList<>();
        List<DiscoveredTargets> newDiscovered = new ArrayList<>();
        List<DiscoveredTargets> oldDiscovered = new ArrayList<>(discovered);
        for (TargetSpec spec : newConfig.targets()) {
            if (spec instanceof TargetSpec.Static s) {
                Target t = oldStatics.get(s.host() + ":" + s.port());
                newStatics.add(t != null ? t : new Target(s.host(), s.port(), "static"));
            } else if (spec instanceof TargetSpec.Discovery d) {
                DiscoveredTargets kept = oldDiscovered.stream().filter(x -> x.spec().equals(d)).findFirst().orElse(null);
                if (kept != null) {
                    oldDiscovered.remove(kept);
                    newDiscovered.add(kept);
                } else {
                    newDiscovered.add(new DiscoveredTargets(d, discovery.watch(d.service()), logName + " " + name, this::rebuild));
                }
            }
        }
        oldDiscovered.forEach(DiscoveredTargets::close);
        this.config = newConfig;
        this.statics = List.copyOf(newStatics);
        this.discovered = List.copyOf(newDiscovered);
        rebuild();
    }

    private synchronized void rebuild() {
        List<Target> all = new ArrayList<>(statics);
        for (DiscoveredTargets d : discovered) {
            for (Target t : d.targets()) {
                if (all.stream().noneMatch(x -> x.key().equals(t.key()))) {
                    all.add(t);
                }
            }
        }
        candidates = all.toArray(new Target[0]);
    }

    /** Every target now, static first. */
    public List<Target> targets() {
        return List.of(candidates);
    }

    /**
     * The order in which to try the targets for a new connection: those in rotation by the app's balancing,
     * then those out of rotation as a last resort. Each target appears once. Round-robin rotates over the
     * targets in rotation only, so a target out of rotation does not double its successor's share.
     */
    public List<Target> plan() {
        Target[] all = candidates;
        List<Target> up = new ArrayList<>(all.length);
        List<Target> down = new ArrayList<>(all.length);
        for (Target t : all) {
            (t.isUp() ? up : down).add(t);
        }
        int turn = next.getAndIncrement();
        if (!up.isEmpty()) {
            Collections.rotate(up, -Math.floorMod(turn, up.size()));
        }
        if (config.balancing() == Balancing.LEAST_CONNECTIONS) {
            up.sort(Comparator.comparingInt(Target::active)); // stable: ties keep the rotation
        }
        up.addAll(down);
        return up;
    }

    public void boundPorts(List<Integer> ports) {
        boundPorts = List.copyOf(ports);
    }

    public List<Integer> boundPorts() {
        return boundPorts;
    }

    /** Admits a new connection under the app's cap; false when it is full (counted). */
    public boolean admit() {
        int max = config.maxConnections();
        int now = active.incrementAndGet();
        if (max > 0 && now > max) {
            active.decrementAndGet();
            rejected.increment();
            return false;
        }
        total.increment();
        return true;
    }

    /** Counts a connection from one client address under {@code MaxConnectionsPerSource}; false when it has its share. */
    public boolean admitSource(InetAddress source) {
        return sources.admit(source, config.maxConnectionsPerSource());
    }

    public void releaseSource(InetAddress source) {
        sources.release(source);
    }

    /** Connections open now from one client address. */
    public int openFrom(InetAddress source) {
        return sources.open(source);
    }

    public void rejected() {
        rejected.increment();
    }

    public void released() {
        active.decrementAndGet();
    }

    /** A client that no target could take. */
    public void failed() {
        failed.increment();
    }

    public int active() {
        return active.get();
    }

    public AppStats stats() {
        return new AppStats(name, boundPorts, config.balancing().text(), active.get(), total.sum(), rejected.sum(),
                failed.sum(), targets().stream().map(Target::stats).toList());
    }

    @Override
    public synchronized void close() {
        discovered.forEach(DiscoveredTargets::close);
    }
}
