package io.tcpmesh.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The proxy's own options, beside the shared service options.
 *
 * @param configFile    the JSON configuration file
 * @param adminBind     address of the admin HTTP server
 * @param adminPort     port of the admin HTTP server (0: any free port); also the port registered in ZooKeeper
 * @param watchInterval how often the file is checked for changes
 * @param configNode    ZooKeeper path (under the root) whose data, when it exists, overrides the file
 */
public record ProxySettings(Path configFile, String adminBind, int adminPort, Duration watchInterval, String configNode) {
    public static final String DEFAULT_CONFIG_NODE = "/config/proxy";

    public ProxySettings {
        Objects.requireNonNull(configFile, "--config cannot be null");
        Objects.requireNonNull(adminBind, "--admin-bind cannot be null");
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("--admin-port must be in 0..65535, not " + adminPort);
        }
        if (watchInterval == null || watchInterval.isZero() || watchInterval.isNegative()) {
            throw new IllegalArgumentException("--watch-interval must be positive");
        }
        configNode = configNode == null ? DEFAULT_CONFIG_NODE : configNode;
        adminAddress();
    }

    public static ProxySettings of(Path configFile) {
        return new ProxySettings(configFile, "127.0.0.1", 0, Duration.ofMillis(500), null);
    }

    public InetSocketAddress adminAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByName(adminBind), adminPort);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--admin-bind: cannot resolve '" + adminBind + "'");
        }
    }
}
