package io.tcpmesh.numbers.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.ServiceRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sessions in ZooKeeper, shared by every numbers server: one persistent node per client,
 * {@code /numbers/sessions/CLIENT-ID} under the Curator namespace, holding {@link SessionRecord} JSON.
 * Conditional writes use the node's data version.
 */
public final class ZooKeeperSessionStore implements SessionStore {
    public static final String SESSIONS_PATH = "/numbers/sessions";

    /** How long a store call waits for a ZooKeeper connection before it fails. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework client;
    private final String service;

    /**
     * @param client  a started client; not closed by the store
     * @param service the service whose registrations tell which owners are alive
     */
    public ZooKeeperSessionStore(CuratorFramework client, String service) {
        this.client = Objects.requireNonNull(client, "client cannot be null");
        this.service = Objects.requireNonNull(service, "service cannot be null");
    }

    static String path(String clientId) {
        return SESSIONS_PATH + "/" + clientId;
    }

    @Override
    public Optional<Versioned> get(String clientId) throws StoreException {
        requireConnected();
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(path(clientId));
            return Optional.of(new Versioned(JSON.readValue(data, SessionRecord.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw failure("read", clientId, e);
        }
    }

    @Override
    public Optional<Integer> create(String clientId, SessionRecord record) throws StoreException {
        requireConnected();
        try {
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(path(clientId), JSON.writeValueAsBytes(record));
            return Optional.of(0);
        } catch (KeeperException.NodeExistsException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw failure("create", clientId, e);
        }
    }

    @Override
    public Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) throws StoreException {
        requireConnected();
        try {
            Stat stat = client.setData().withVersion(expectedVersion).forPath(path(clientId), JSON.writeValueAsBytes(record));
            return Optional.of(stat.getVersion());
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw failure("write", clientId, e);
        }
    }

    @Override
    public boolean delete(String clientId, int expectedVersion) throws StoreException {
        requireConnected();
        try {
            client.delete().withVersion(expectedVersion).forPath(path(clientId));
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw failure("delete", clientId, e);
        }
    }

    @Override
    public boolean delete(String clientId) throws StoreException {
        requireConnected();
        try {
            client.delete().forPath(path(clientId));
            return true;
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw failure("delete", clientId, e);
        }
    }

    @Override
    public Collection<String> clientIds() throws StoreException {
        requireConnected();
        try {
            return client.getChildren().forPath(SESSIONS_PATH);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw failure("list", "*", e);
        }
    }

    @Override
    public boolean ownerAlive(String nodeId) throws StoreException {
        try {
            return client.checkExists().forPath(ServiceRegistry.SERVICES_PATH + "/" + service + "/" + nodeId) != null;
        } catch (Exception e) {
            throw failure("check owner", nodeId, e);
        }
    }

    @Override
    public String unavailable() {
        return client.getZookeeperClient().isConnected() ? null : "session store unavailable: ZooKeeper not connected";
    }

    @Override
    public String kind() {
        return "zookeeper";
    }

    @Override
    public void close() {
        // the Curator client belongs to the launcher
    }

    /**
     * Fails after at most {@link #CONNECT_WAIT} while ZooKeeper is unreachable, rather than holding a
     * worker through all of Curator's retries.
     */
    private void requireConnected() throws StoreException {
        if (client.getZookeeperClient().isConnected()) {
            return;
        }
        try {
            if (!client.blockUntilConnected(Math.toIntExact(CONNECT_WAIT.toMillis()), TimeUnit.MILLISECONDS)) {
                throw new StoreException("ZooKeeper is not connected", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted waiting for ZooKeeper", e);
        }
    }

    private static StoreException failure(String what, String clientId, Exception e) {
        return new StoreException("cannot " + what + " session " + clientId + " in ZooKeeper: " + e, e);
    }
}
