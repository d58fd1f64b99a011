package io.tcpmesh.coordination.bootstrap;

import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.Version;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who this process is: its service name, node id and the attributes it publishes in ZooKeeper.
 *
 * <p>The node id is known from {@code --id}, or once the port is bound ({@code md5-7001}); log lines
 * start with {@code [}{@link #name()}{@code ]}. Attribute changes reach ZooKeeper through the
 * launcher's registration. Thread-safe.
 */
public final class Node {
    private final String service;
    private final long startedAt = System.currentTimeMillis();
    private final Map<String, String> attributes = new TreeMap<>();
    private final CopyOnWriteArrayList<Consumer<Map<String, String>>> listeners = new CopyOnWriteArrayList<>();
    private volatile String name;

    public Node(String service, String provisionalName) {
        this.service = Objects.requireNonNull(service, "service cannot be null");
        this.name = Objects.requireNonNull(provisionalName, "provisionalName cannot be null");
    }

    public String service() {
        return service;
    }

    /** The node id, such as {@code md5-7001}. */
    public String name() {
        return name;
    }

    /** Fixes the node id once the port is bound. */
    public void named(String nodeId) {
        this.name = Objects.requireNonNull(nodeId, "nodeId cannot be null");
    }

    public long startedAt() {
        return startedAt;
    }

    /** Sets an attribute published in this node's ZooKeeper payload. */
    public void attribute(String key, String value) {
        Map<String, String> snapshot;
        synchronized (attributes) {
            if (Objects.equals(attributes.get(key), value)) {
                return;
            }
            attributes.put(key, value);
            snapshot = Map.copyOf(attributes);
        }
        listeners.forEach(l -> l.accept(snapshot));
    }

    public Map<String, String> attributes() {
        synchronized (attributes) {
            return Map.copyOf(attributes);
        }
    }

    /** The payload to register. */
    public InstanceDetails details() {
        return new InstanceDetails(name, Version.current(), startedAt, attributes());
    }

    public void onAttributesChanged(Consumer<Map<String, String>> listener) {
        listeners.add(listener);
    }

    @Override
    public String toString() {
        return name;
    }
}
