package io.tcpmesh.proxy.routing;

import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One ZooKeeper watch per discovered service, shared by every app and every reload. */
public final class Discovery {
    private final ServiceRegistry registry;
    private final Map<String, ServiceWatch> watches = new ConcurrentHashMap<>();

    public Discovery(ServiceRegistry registry) {
        this.registry = registry;
    }

    public ServiceRegistry registry() {
        return registry;
    }

    public ServiceWatch watch(String service) {
        return watches.computeIfAbsent(service, registry::watch);
    }
}
