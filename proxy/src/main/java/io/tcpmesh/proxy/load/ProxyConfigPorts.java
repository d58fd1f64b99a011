package io.tcpmesh.proxy.load;

import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ConfigException;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.config.ProxyConfigParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The listening ports of a proxy configuration file, read by the proxy's own parser: a file the proxy would
 * refuse is refused here too, with the proxy's message. Ports {@code 0} (any free port, for tests) are left out.
 */
public final class ProxyConfigPorts {
    private ProxyConfigPorts() {
    }

    public static List<Integer> read(Path file) {
        try {
            return ports(ProxyConfigParser.read(file), file.toString());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--config " + e.getMessage());
        }
    }

    static List<Integer> parse(String json, String name) {
        try {
            return ports(ProxyConfigParser.parse(json, name), name);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--config " + e.getMessage());
        }
    }

    private static List<Integer> ports(ProxyConfig config, String name) {
        TreeSet<Integer> ports = new TreeSet<>();
        for (AppConfig app : config.apps()) {
            app.ports().stream().filter(p -> p > 0).forEach(ports::add);
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("--config " + name + " lists no ports in 1..65535 under Apps[].Ports");
        }
        return new ArrayList<>(ports);
    }
}
