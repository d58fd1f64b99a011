package io.tcpmesh.proxy.routing;

import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ZooKeeper watch per discovered service, shared by every app and every reload. An instance whose
 * registration disappears stays a target for {@link #DEPARTURE_GRACE}: a re-registration (curator-x-discovery
 * deletes and re-creates the node after a reconnect) never empties an app, and a node that really left fails
 * its connects meanwhile, which takes it out of rotation anyway.
 */
public final class Discovery {
    public static final Duration DEPARTURE_GRACE = Duration.ofSeconds(2);

    private final ServiceRegistry registry;
    private final Map<String, ServiceWatch> watches = new ConcurrentHashMap<>();

    public Discovery(ServiceRegistry registry) {
        this.registry = registry;
    }

    public ServiceRegistry registry() {
        return registry;
    }

    public ServiceWatch watch(String service) {
        return watches.computeIfAbsent(service, name -> registry.watch(name, DEPARTURE_GRACE));
    }
}
