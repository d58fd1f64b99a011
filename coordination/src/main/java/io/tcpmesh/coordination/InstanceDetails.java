package io.tcpmesh.coordination;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The payload of a registered instance, stored as JSON in its ZooKeeper node.
 *
 * @param nodeId     the node's name, as it appears in logs ({@code md5-7001})
 * @param version    the tcpmesh version the node runs
 * @param startedAt  when the process started, in milliseconds since the epoch
 * @param attributes service-specific facts, such as {@code leader=true} for echo nodes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstanceDetails(String nodeId, String version, long startedAt, Map<String, String> attributes) {
    public InstanceDetails {
        Objects.requireNonNull(nodeId, "nodeId cannot be null");
        version = version == null ? "unknown" : version;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public InstanceDetails withAttributes(Map<String, String> newAttributes) {
        return new InstanceDetails(nodeId, version, startedAt, newAttributes);
    }

    public String attribute(String name) {
        return attributes.get(name);
    }

    @Override
    public String toString() {
        return nodeId + " " + version + " " + new TreeMap<>(attributes);
    }
}
