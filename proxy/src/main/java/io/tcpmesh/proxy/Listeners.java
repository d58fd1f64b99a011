package io.tcpmesh.proxy;

import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ProxyConfig;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The acceptor's ports, kept in step with the configuration: {@link #bind} binds the ports a configuration
 * adds (all or none), {@link #unbindDropped} then releases those it no longer lists. A configured port 0 stays
 * bound where it landed for as long as its app lists a 0. Called under the server's lock.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private record Listener(String app, int configuredPort, InetSocketAddress bound) {
    }

    private final NioSocketAcceptor acceptor;
    private final InetAddress bindAddress;
    private final String logName;
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private Set<String> wanted = Set.of();

    Listeners(NioSocketAcceptor acceptor, InetAddress bindAddress, String logName) {
        this.acceptor = acceptor;
        this.bindAddress = bindAddress;
        this.logName = logName;
    }

    /**
     * Binds every port {@code next} adds; when one cannot be bound, releases those just bound and throws,
     * with nothing changed.
     *
     * @return the app of every bound port {@code next} lists, by port
     * @throws BindException naming the app and the port
     */
    Map<Integer, String> bind(ProxyConfig next) throws IOException {
        Map<String, Listener> want = wanted(next);
        List<String> added = new ArrayList<>();
        try {
            for (Map.Entry<String, Listener> e : want.entrySet()) {
                Listener have = listeners.get(e.getKey());
                Listener w = e.getValue();
                if (have == null) {
                    listeners.put(e.getKey(), new Listener(w.app(), w.configuredPort(), bind(w)));
                    added.add(e.getKey());
                } else if (!have.app().equals(w.app())) {
                    listeners.put(e.getKey(), new Listener(w.app(), have.configuredPort(), have.bound()));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (String key : added) {
                acceptor.unbind(listeners.remove(key).bound());
            }
            throw e;
        }
        wanted = want.keySet();
        Map<Integer, String> ports = new HashMap<>();
        for (String key : wanted) {
            Listener l = listeners.get(key);
            ports.put(l.bound().getPort(), l.app());
        }
        return ports;
    }

    /** Unbinds the ports the last {@link #bind} did not list. */
    void unbindDropped() {
        for (String key : new ArrayList<>(listeners.keySet())) {
            if (!wanted.contains(key)) {
                Listener l = listeners.remove(key);
                acceptor.unbind(l.bound());
                log.info("[{}] app {}: stopped listening on port {}", logName, l.app(), l.bound().getPort());
            }
        }
    }

    /** Forgets every port (the acceptor is unbound by the caller). */
    void clear() {
        listeners.clear();
        wanted = Set.of();
    }

    private static Map<String, Listener> wanted(ProxyConfig next) {
        Map<String, Listener> want = new LinkedHashMap<>();
        for (AppConfig app : next.apps()) {
            int zeros = 0;
            for (int port : app.ports()) {
                String key = port == 0 ? app.name() + "#0#" + zeros++ : String.valueOf(port);
                want.put(key, new Listener(app.name(), port, null));
            }
        }
        return want;
    }

    private InetSocketAddress bind(Listener l) throws IOException {
        Set<SocketAddress> before = new HashSet<>(acceptor.getLocalAddresses());
        try {
            MinaTcpServer.bind(acceptor, new InetSocketAddress(bindAddress, l.configuredPort()));
        } catch (BindException e) {
            throw (BindException) new BindException("app '" + l.app() + "' port " + l.configuredPort() + ": "
                    + e.getMessage()).initCause(e);
        }
        for (SocketAddress a : acceptor.getLocalAddresses()) {
            if (!before.contains(a)) {
                log.info("[{}] app {}: listening on port {}", logName, l.app(), ((InetSocketAddress) a).getPort());
                return (InetSocketAddress) a;
            }
        }
        throw new IllegalStateException("bound port " + l.configuredPort() + " not found among " + acceptor.getLocalAddresses());
    }
}
