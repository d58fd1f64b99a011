package io.tcpmesh.proxy;

import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.Discovery;
import io.tcpmesh.proxy.routing.ProxiedApp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The apps at run time, by name and by bound port, in the configuration's order. {@link #apply} is called under
 * the server's lock; every other method may be called by any thread.
 */
final class AppTable {
    private final Discovery discovery;
    private final String logName;
    private volatile List<ProxiedApp> ordered = List.of();
    private volatile Map<String, ProxiedApp> byName = Map.of();
    private volatile Map<Integer, ProxiedApp> byPort = Map.of();

    AppTable(Discovery discovery, String logName) {
        this.discovery = discovery;
        this.logName = logName;
    }

    /**
     * Puts {@code next}'s apps in place on the bound {@code ports} (app name by port): an app still listed is
     * updated in place, a new one created. Returns the apps it no longer lists, for the caller to close.
     */
    Set<ProxiedApp> apply(ProxyConfig next, Map<Integer, String> ports) {
        List<ProxiedApp> nextApps = new ArrayList<>();
        Map<String, ProxiedApp> nextByName = new HashMap<>();
        for (AppConfig config : next.apps()) {
            ProxiedApp app = byName.get(config.name());
            if (app != null) {
                app.update(config);
            } else {
                app = new ProxiedApp(config, discovery, logName);
            }
            nextApps.add(app);
            nextByName.put(config.name(), app);
        }
        Map<Integer, ProxiedApp> nextByPort = new HashMap<>();
        ports.forEach((port, name) -> nextByPort.put(port, nextByName.get(name)));
        nextApps.forEach(app -> app.boundPorts(ports.entrySet().stream().filter(e -> e.getValue().equals(app.name()))
                .map(Map.Entry::getKey).sorted().toList()));
        Set<ProxiedApp> gone = new HashSet<>(ordered);
        gone.removeAll(nextApps);
        ordered = List.copyOf(nextApps);
        byName = Map.copyOf(nextByName);
        byPort = Map.copyOf(nextByPort);
        return gone;
    }

    /** New connections find no app from now on: the ports are being unbound. */
    void stopAccepting() {
        byPort = Map.of();
    }

    ProxiedApp onPort(int port) {
        return byPort.get(port);
    }

    ProxiedApp named(String name) {
        return byName.get(name);
    }

    List<ProxiedApp> all() {
        return ordered;
    }

    /** Every app's counters, in the configuration's order. */
    List<AppStats> stats() {
        return ordered.stream().map(ProxiedApp::stats).toList();
    }

    void closeAll() {
        ordered.forEach(ProxiedApp::close);
    }
}
