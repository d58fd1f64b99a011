package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One registered instance. Made by {@link ServiceRegistry#register}.
 *
 * <p>{@link #update} changes the payload's attributes; the new data is what ZooKeeper holds from then
 * on, including after a session expiry. {@link #close} removes the instance from ZooKeeper.
 * Thread-safe; ZooKeeper writes run on the registry's registrar thread, in order.
 */
public final class Registration implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Registration.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final ServiceRegistry registry;
    private volatile ServiceInstance<InstanceDetails> instance;
    private volatile boolean closed;
    private volatile boolean announced;
    private boolean inTable; // only touched on the registrar thread

    Registration(ServiceRegistry registry, ServiceInstance<InstanceDetails> instance) {
        this.registry = registry;
        this.instance = instance;
    }

    public String service() {
        return instance.getName();
    }

    public String id() {
        return instance.getId();
    }

    public InstanceDetails details() {
        return instance.getPayload();
    }

    /** Replaces the payload's attributes and writes them to ZooKeeper (asynchronously). */
    public void update(Map<String, String> attributes) {
        ServiceInstance<InstanceDetails> old = instance;
        instance = copyWith(old, old.getPayload().withAttributes(attributes));
        registry.registrar().execute(this::write);
    }

    /** Writes the current data; runs on the registrar thread. */
    void write() {
        if (closed) {
            return;
        }
        ServiceInstance<InstanceDetails> current = instance;
        try {
            if (inTable && ownNode() != null) {
                registry.discovery().updateService(current);
            } else {
                inTable = true;
                registry.discovery().registerService(current);
            }
            announce(current);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not register {}/{} yet ({}); it registers when ZooKeeper is reachable",
                    current.getName(), current.getId(), e.toString());
        }
    }

    /**
     * After a (re)connection, on the registrar thread: writes the instance again unless this session
     * already holds it, so a plain reconnection causes no remove-and-add blip for watchers, and a
     * session expiry brings it back with its current data.
     */
    void ensure() {
        if (closed) {
            return;
        }
        try {
            Stat stat = ownNode();
            if (stat == null || !isCurrent()) {
                inTable = false;
                write();
            }
        } catch (Exception e) {
            log.warn("could not check {}/{} after reconnecting ({}); retrying on the next connection", service(), id(), e.toString());
        }
    }

    /** The node's stat when it exists and belongs to this client's current session, else null. */
    private Stat ownNode() throws Exception {
        CuratorFramework client = registry.client();
        Stat stat = client.checkExists().forPath(path());
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        return stat != null && stat.getEphemeralOwner() == session ? stat : null;
    }

    private boolean isCurrent() {
        try {
            ServiceInstance<InstanceDetails> found = registry.discovery().queryForInstance(service(), id());
            return found != null && found.getPayload().equals(instance.getPayload());
        } catch (Exception e) {
            return false;
        }
    }

    private String path() {
        return ZKPaths.makePath(ServiceRegistry.SERVICES_PATH, service(), id());
    }

    private void announce(ServiceInstance<InstanceDetails> current) {
        if (!announced) {
            announced = true;
            log.info("registered {}/{} at {}:{}", current.getName(), current.getId(), current.getAddress(), current.getPort());
        }
    }

    /** True when ZooKeeper holds this instance with its current data, as read back now. */
    public boolean isRegistered() {
        return isCurrent();
    }

    /** Removes the instance from ZooKeeper, waiting a few seconds at most. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.forget(this);
        try {
            var done = registry.registrar().submit(() -> {
                registry.discovery().unregisterService(instance);
                return null;
            });
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("deregistered {}/{}", service(), id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not deregister {}/{} ({}); its node goes with the session", service(), id(), e.toString());
        }
    }

    private static ServiceInstance<InstanceDetails> copyWith(ServiceInstance<InstanceDetails> i, InstanceDetails payload) {
        return new ServiceInstance<>(i.getName(), i.getId(), i.getAddress(), i.getPort(), i.getSslPort(), payload,
                i.getRegistrationTimeUTC(), i.getServiceType(), i.getUriSpec(), i.isEnabled());
    }

    @Override
    public String toString() {
        return "registration " + service() + "/" + id();
    }
}
