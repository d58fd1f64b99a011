package io.tcpmesh.proxy.admin;

import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.tls.TlsAppStats;

import java.util.List;

/**
 * The proxy at one moment, as the admin pages show it: built by the proxy, rendered by {@link AdminServer}.
 *
 * @param node                the node's name
 * @param draining            true once SIGTERM arrived
 * @param activeConnections   open client connections
 * @param maxConnections      the global cap ({@code 0}: none)
 * @param rejectedConnections connections closed at once by the global cap
 * @param queuedBytes         bytes waiting in MINA's write queues, over every session
 * @param reloads             the reloader's counters
 * @param apps                per app and target
 * @param tls                 TLS handshakes per app with {@code Tls} or {@code TargetTls}
 */
public record ProxyStatus(String node, boolean draining, int activeConnections, int maxConnections,
                          long rejectedConnections, long queuedBytes, ReloadStats reloads, List<AppStats> apps,
                          List<TlsAppStats> tls) {
    public ProxyStatus {
        apps = List.copyOf(apps);
        tls = List.copyOf(tls);
    }
}
