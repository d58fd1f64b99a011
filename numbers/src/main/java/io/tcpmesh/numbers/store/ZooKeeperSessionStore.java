package io.tcpmesh.numbers.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Sessions in ZooKeeper, shared by every numbers server. Under the Curator namespace:
 * <ul>
 *   <li>{@code /numbers/sessions/BB/CLIENT-ID}: persistent, the {@link SessionRecord} JSON; {@code BB} is
 *       one of 256 buckets, two lowercase hex digits of the CRC-32 of the id, so that no listing holds
 *       more than a 256th of the sessions;</li>
 *   <li>{@code /numbers/claims/BB/CLIENT-ID}: ephemeral, the claim of the server that streams it (its
 *       node id as data), gone with that server's ZooKeeper session. Kept apart from the records so that
 *       the sweep tells streamed sessions from the others by two listings, without reading them.</li>
 * </ul>
 * A claim is taken and dropped in one multi-operation with the write of the record, and every write
 * names the record's data version: taking a claim changes that version, so a write based on a read
 * from before the claim fails.
 */
public final class ZooKeeperSessionStore implements SessionStore {
    public static final String SESSIONS_PATH = "/numbers/sessions";
    public static final String CLAIMS_PATH = "/numbers/claims";
    public static final int BUCKETS = 256;

    /** How long a store call waits for a ZooKeeper connection before it fails. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUCKET = Pattern.compile("[0-9a-f]{2}");

    private final CuratorFramework client;
    private final Supplier<String> owner;

    /**
     * @param client a started client; not closed by the store. Its ZooKeeper session holds this server's claims.
     * @param owner  this server's node id, written into its claims
     */
    public ZooKeeperSessionStore(CuratorFramework client, Supplier<String> owner) {
        this.client = Objects.requireNonNull(client, "client cannot be null");
        this.owner = Objects.requireNonNull(owner, "owner cannot be null");
    }

    /** The bucket of a client id: two lowercase hex digits. */
    public static String bucket(String clientId) {
        CRC32 crc = new CRC32();
        crc.update(clientId.getBytes(StandardCharsets.US_ASCII));
        return String.format("%02x", crc.getValue() & 0xff);
    }

    /** The path of a session's record, under the namespace. */
    public static String path(String clientId) {
        return SESSIONS_PATH + "/" + bucket(clientId) + "/" + clientId;
    }

    /** The path of a session's claim, under the namespace. */
    public static String claimPath(String clientId) {
        return CLAIMS_PATH + "/" + bucket(clientId) + "/" + clientId;
    }

    @Override
    public Optional<Versioned> get(String clientId) throws StoreException {
        requireConnected();
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(path(clientId));
            SessionRecord record = JSON.readValue(data, SessionRecord.class);
            return Optional.of(new Versioned(record, stat.getVersion(), claimed(clientId, record)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw failure("read", clientId, e);
        }
    }

    /**
     * Whether a session is claimed, for a record just read: a claim is taken and dropped together with
     * a write that marks the record connected or disconnected, so only a record marked connected needs
     * the claim looked up (it is missing when the server died). Looked up after the record: a claim
     * taken since changed the version that read returned.
     */
    private boolean claimed(String clientId, SessionRecord record) throws Exception {
        return record.connected() && client.checkExists().forPath(claimPath(clientId)) != null;
    }

    @Override
    public Map<String, Versioned> getAll(Collection<String> clientIds) throws StoreException {
        requireConnected();
        Map<String, CompletableFuture<CuratorEvent>> reads = new HashMap<>();
        try {
            for (String id : clientIds) {
                CompletableFuture<CuratorEvent> read = new CompletableFuture<>();
                client.getData().inBackground((c, event) -> read.complete(event)).forPath(path(id));
                reads.put(id, read);
            }
            Map<String, Versioned> found = new HashMap<>();
            for (Map.Entry<String, CompletableFuture<CuratorEvent>> read : reads.entrySet()) {
                CuratorEvent event = read.getValue().get(CONNECT_WAIT.toMillis() * 5, TimeUnit.MILLISECONDS);
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    SessionRecord record = JSON.readValue(event.getData(), SessionRecord.class);
                    found.put(read.getKey(), new Versioned(record, event.getStat().getVersion(), claimed(read.getKey(), record)));
                } else if (event.getResultCode() != KeeperException.Code.NONODE.intValue()) {
                    throw KeeperException.create(KeeperException.Code.get(event.getResultCode()), event.getPath());
                }
            }
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted reading sessions", e);
        } catch (Exception e) {
            throw new StoreException("cannot read " + clientIds.size() + " sessions in ZooKeeper: " + e, e);
        }
    }

    @Override
    public Optional<Integer> create(String clientId, SessionRecord record) throws StoreException {
        requireConnected();
        byte[] data = json(record);
        try {
            return created(clientId, data);
        } catch (KeeperException.NoNodeException e) {
            ensureBuckets(clientId);
            try {
                return created(clientId, data);
            } catch (KeeperException.NodeExistsException again) {
                return ownWrite(clientId, data);
            } catch (Exception again) {
                throw failure("create", clientId, again);
            }
        } catch (KeeperException.NodeExistsException e) {
            return ownWrite(clientId, data);
        } catch (Exception e) {
            throw failure("create", clientId, e);
        }
    }

    private Optional<Integer> created(String clientId, byte[] data) throws Exception {
        transaction(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path(clientId), data),
                client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(claimPath(clientId), owner()));
        return Optional.of(0);
    }

    @Override
    public Optional<Integer> claim(String clientId, SessionRecord record, int expectedVersion) throws StoreException {
        requireConnected();
        byte[] data = json(record);
        try {
            return claimed(clientId, data, expectedVersion);
        } catch (KeeperException.NodeExistsException e) {
            return ownWrite(clientId, data);
        } catch (KeeperException.BadVersionException e) {
            return Optional.empty();
        } catch (KeeperException.NoNodeException e) {
            // the record is gone, or its claims bucket is (made by an older layout or removed by hand)
            ensureBuckets(clientId);
            try {
                return claimed(clientId, data, expectedVersion);
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException | KeeperException.NoNodeException again) {
                return Optional.empty();
            } catch (Exception again) {
                throw failure("claim", clientId, again);
            }
        } catch (Exception e) {
            throw failure("claim", clientId, e);
        }
    }

    private Optional<Integer> claimed(String clientId, byte[] data, int expectedVersion) throws Exception {
        transaction(client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(claimPath(clientId), owner()),
                client.transactionOp().setData().withVersion(expectedVersion).forPath(path(clientId), data));
        return Optional.of(expectedVersion + 1);
    }

    @Override
    public Optional<Integer> release(String clientId, SessionRecord record, int expectedVersion) throws StoreException {
        requireConnected();
        byte[] data = json(record);
        try {
            transaction(client.transactionOp().setData().withVersion(expectedVersion).forPath(path(clientId), data),
                    client.transactionOp().delete().forPath(claimPath(clientId)));
            return Optional.of(expectedVersion + 1);
        } catch (KeeperException.BadVersionException e) {
            return Optional.empty();
        } catch (KeeperException.NoNodeException e) {
            // the claim went with an expired ZooKeeper session: write the record alone, if nobody took it since
            return replace(clientId, record, expectedVersion);
        } catch (Exception e) {
            throw failure("release", clientId, e);
        }
    }

    @Override
    public boolean finish(String clientId, int expectedVersion) throws StoreException {
        requireConnected();
        try {
            transaction(client.transactionOp().delete().forPath(claimPath(clientId)),
                    client.transactionOp().delete().withVersion(expectedVersion).forPath(path(clientId)));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            return delete(clientId, expectedVersion);
        } catch (Exception e) {
            throw failure("delete", clientId, e);
        }
    }

    @Override
    public Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) throws StoreException {
        requireConnected();
        try {
            Stat stat = client.setData().withVersion(expectedVersion).forPath(path(clientId), json(record));
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
    public List<String> buckets() throws StoreException {
        return children(SESSIONS_PATH).stream().filter(b -> BUCKET.matcher(b).matches()).sorted().toList();
    }

    @Override
    public Collection<String> unclaimedIds(String bucket) throws StoreException {
        Set<String> ids = new HashSet<>(children(SESSIONS_PATH + "/" + bucket));
        ids.removeAll(children(CLAIMS_PATH + "/" + bucket));
        return ids;
    }

    @Override
    public void onClaimsLost(Runnable action) {
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.LOST) {
                action.run();
            }
        });
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

    private List<String> children(String path) throws StoreException {
        requireConnected();
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw failure("list", path, e);
        }
    }

    private byte[] owner() {
        return owner.get().getBytes(StandardCharsets.UTF_8);
    }

    private void transaction(CuratorOp... ops) throws Exception {
        client.transaction().forOperations(Arrays.asList(ops));
    }

    private void ensureBuckets(String clientId) throws StoreException {
        for (String parent : List.of(SESSIONS_PATH, CLAIMS_PATH)) {
            try {
                client.create().creatingParentsIfNeeded().forPath(parent + "/" + bucket(clientId));
            } catch (KeeperException.NodeExistsException e) {
                // made by another server meanwhile
            } catch (Exception e) {
                throw failure("create the bucket of", clientId, e);
            }
        }
    }

    /**
     * A create or claim that found the claim taken may have been this server's own, retried by Curator
     * after a lost connection: then the claim is this ZooKeeper session's and the record holds our data.
     */
    private Optional<Integer> ownWrite(String clientId, byte[] data) throws StoreException {
        try {
            Stat claim = client.checkExists().forPath(claimPath(clientId));
            if (claim == null || claim.getEphemeralOwner() != client.getZookeeperClient().getZooKeeper().getSessionId()) {
                return Optional.empty();
            }
            Stat stat = new Stat();
            byte[] stored = client.getData().storingStatIn(stat).forPath(path(clientId));
            return Arrays.equals(stored, data) ? Optional.of(stat.getVersion()) : Optional.empty();
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw failure("read the claim of", clientId, e);
        }
    }

    private static byte[] json(SessionRecord record) throws StoreException {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (Exception e) {
            throw new StoreException("cannot write session record " + record + ": " + e, e);
        }
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
