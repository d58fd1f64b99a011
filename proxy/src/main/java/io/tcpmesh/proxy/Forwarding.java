package io.tcpmesh.proxy;

import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.tls.ProxyTls;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What the session handlers and each {@link ProxyConnection} use of the forwarding core: the node's name for
 * logs, the connector and timer, the global connection count, the apps by port and their TLS. It knows no
 * {@link ProxyServer}, so the core's parts depend on it and not on each other.
 */
record Forwarding(String name, ProxySockets sockets, GlobalConnections connections, AppTable apps, ProxyTls tls) {
    EagerConnector connector() {
        return sockets.connector();
    }

    ScheduledExecutorService timer() {
        return sockets.timer();
    }

    /** The app listening on {@code port}; null once the proxy stops accepting. */
    ProxiedApp appOnPort(int port) {
        return apps.onPort(port);
    }
}
