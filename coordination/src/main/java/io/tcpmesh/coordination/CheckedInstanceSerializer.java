package io.tcpmesh.coordination;

import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * curator-x-discovery's JSON serializer, made safe for what others wrote: a registration that does not
 * parse, or lacks a name, id, address, port in 1..65535 or payload, becomes {@link #INVALID} with one
 * warning, and {@link ServiceWatch} leaves it out. (Curator's own cache would otherwise throw from its
 * listener on every event of that node.)
 */
final class CheckedInstanceSerializer implements InstanceSerializer<InstanceDetails> {
    /** Stands for a registration that was ignored; never handed to a caller. */
    static final ServiceInstance<InstanceDetails> INVALID = new ServiceInstance<>("invalid", "invalid", "invalid", 0, null,
            null, 0, null, null, false);

    private static final Logger log = LoggerFactory.getLogger(CheckedInstanceSerializer.class);

    private final JsonInstanceSerializer<InstanceDetails> json = new JsonInstanceSerializer<>(InstanceDetails.class, false);

    @Override
    public byte[] serialize(ServiceInstance<InstanceDetails> instance) throws Exception {
        return json.serialize(instance);
    }

    @Override
    public ServiceInstance<InstanceDetails> deserialize(byte[] bytes) {
        try {
            ServiceInstance<InstanceDetails> instance = json.deserialize(bytes);
            String problem = problem(instance);
            if (problem == null) {
                return instance;
            }
            warn(bytes, problem);
        } catch (Exception e) {
            warn(bytes, "not curator-x-discovery JSON: " + e.getMessage());
        }
        return INVALID;
    }

    static boolean isValid(ServiceInstance<InstanceDetails> instance) {
        return instance != INVALID && instance.getPayload() != null;
    }

    private static String problem(ServiceInstance<InstanceDetails> i) {
        if (i.getName() == null || i.getId() == null || i.getAddress() == null || i.getAddress().isBlank()) {
            return "no name, id or address";
        }
        if (i.getPort() == null || i.getPort() < 1 || i.getPort() > 65535) {
            return "port " + i.getPort() + " is not in 1..65535";
        }
        return i.getPayload() == null ? "no payload" : null;
    }

    private static void warn(byte[] bytes, String problem) {
        String data = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        log.warn("ignoring a service registration that does not parse ({}): {}", LogText.escape(problem), LogText.quote(data));
    }
}
