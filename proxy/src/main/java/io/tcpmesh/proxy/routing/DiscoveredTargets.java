package io.tcpmesh.proxy.routing;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.proxy.config.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The targets one {@code discovery:SERVICE[?leader]} entry stands for, kept current by the service's watch.
 * An instance that leaves ZooKeeper leaves once it has been gone for {@link Discovery#DEPARTURE_GRACE}; while
 * ZooKeeper is unreachable the watch keeps the last instances it knew.
 */
final class DiscoveredTargets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscoveredTargets.class);

    private final TargetSpec.Discovery spec;
    private final ServiceWatch watch;
    private final Runnable onChange;
    private final String logName;
    private final Consumer<List<Instance>> listener = this::update;
    private volatile Map<String, Target> targets = Map.of();
    /** Targets that left ZooKeeper, by instance id and address: one that registers again keeps its totals. */
    private final Map<String, Target> retired = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Target> eldest) {
            return size() > 1024;
        }
    };

    DiscoveredTargets(TargetSpec.Discovery spec, ServiceWatch watch, String logName, Runnable onChange) {
        this.spec = spec;
        this.watch = watch;
        this.onChange = onChange;
        this.logName = logName;
        watch.addListener(listener);
    }

    TargetSpec.Discovery spec() {
        return spec;
    }

    List<Target> targets() {
        return List.copyOf(targets.values());
    }

    private synchronized void update(List<Instance> instances) {
        Map<String, Target> old = targets;
        Map<String, Target> now = new LinkedHashMap<>();
        for (Instance i : watch.allInstances()) {
            if (spec.leaderOnly() && !"true".equals(i.details().attribute("leader"))) {
                continue;
            }
            int port = spec.leaderOnly() ? masterPort(i) : i.port();
            String key = i.host() + ":" + port;
            Target t = old.get(key);
            now.put(key, t != null ? t : returning(i.id(), i.host(), port));
        }
        long time = System.currentTimeMillis();
        old.forEach((key, t) -> {
            if (!now.containsKey(key)) {
                t.markGone(time);
                retired.put(t.origin() + "@" + key, t);
            }
        });
        if (!now.keySet().equals(old.keySet())) {
            log.info("[{}] {}: targets now {}", logName, spec.text(), now.keySet());
        }
        targets = now;
        onChange.run();
    }

    private Target returning(String id, String host, int port) {
        Target t = retired.remove(id + "@" + host + ":" + port);
        if (t == null) {
            return new Target(host, port, id);
        }
        t.markBack(System.currentTimeMillis());
        return t;
    }

    private static int masterPort(Instance i) {
        String mp = i.details().attribute("masterPort");
        try {
            return mp == null ? i.port() : Integer.parseInt(mp);
        } catch (NumberFormatException e) {
            return i.port();
        }
    }

    @Override
    public void close() {
        watch.removeListener(listener);
    }
}
