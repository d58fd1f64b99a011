package io.tcpmesh.numbers.store;

import java.util.Collection;
import java.util.Optional;

/**
 * Where stateful sessions live between connections, keyed by client id. Writes are conditional on the
 * version last read, so two servers racing for one session cannot both win.
 *
 * <p>Implementations are thread-safe. Calls may block (ZooKeeper): never call them on a MINA I/O thread.
 */
public interface SessionStore extends AutoCloseable {

    Optional<Versioned> get(String clientId) throws StoreException;

    /** Creates the record; returns its version, or empty if a record already exists. */
    Optional<Integer> create(String clientId, SessionRecord record) throws StoreException;

    /** Replaces the record if it is still at the version; returns the new version, or empty if not. */
    Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) throws StoreException;

    /** Deletes the record if it is still at the version; true if this call deleted it. */
    boolean delete(String clientId, int expectedVersion) throws StoreException;

    /** Deletes the record whatever its version; true if there was one. */
    boolean delete(String clientId) throws StoreException;

    /** Every client id with a record. */
    Collection<String> clientIds() throws StoreException;

    /** Whether another server, by node id, is alive to stream a session it owns. */
    boolean ownerAlive(String nodeId) throws StoreException;

    /** Why the store cannot be used now (for /health), or null when it can. */
    default String unavailable() {
        return null;
    }

    /** A short name for logs: "memory" or "zookeeper". */
    String kind();

    @Override
    void close();
}
