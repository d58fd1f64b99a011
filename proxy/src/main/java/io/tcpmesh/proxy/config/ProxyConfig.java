package io.tcpmesh.proxy.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole proxy configuration: its apps and the global connection cap. Read with
 * {@link ProxyConfigParser}; the original exercise's {@code {"Apps":[{"Name","Ports","Targets"}]}} is a
 * valid file as it stands.
 *
 * @param apps           the apps, names unique, no port shared between two apps
 * @param maxConnections open client connections above this are closed at once (0: no global limit)
 */
public record ProxyConfig(List<AppConfig> apps, int maxConnections) {
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;

    public ProxyConfig {
        apps = List.copyOf(Objects.requireNonNull(apps, "Apps cannot be null"));
        if (maxConnections < 0) {
            throw new IllegalArgumentException("MaxConnections cannot be negative");
        }
        Map<String, String> names = new HashMap<>();
        Map<Integer, String> ports = new HashMap<>();
        for (AppConfig app : apps) {
            if (names.put(app.name(), app.name()) != null) {
                throw new IllegalArgumentException("app '" + app.name() + "': key 'Name': two apps are named '" + app.name() + "'");
            }
            for (int port : app.ports()) {
                String other = port == 0 ? null : ports.putIfAbsent(port, app.name());
                if (other != null) {
                    throw new IllegalArgumentException("app '" + app.name() + "': key 'Ports': port " + port
                            + " is already used by app '" + other + "'");
                }
            }
        }
    }

    public AppConfig app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }
}
