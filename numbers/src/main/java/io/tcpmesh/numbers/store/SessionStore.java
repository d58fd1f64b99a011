package io.tcpmesh.numbers.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where stateful sessions live between connections, keyed by client id, and who streams each one.
 *
 * <p>A session is streamed by at most one server: the one holding its <em>claim</em>. A claim is taken
 * together with a write of the record and dropped together with the next one, and it is tied to the
 * claiming process (in ZooKeeper to its session: a server that dies loses its claims with its session).
 * Every write names the version last read, so two servers racing for one session cannot both win.
 *
 * <p>Implementations are thread-safe. Calls may block (ZooKeeper): never call them on a MINA I/O thread.
 */
public interface SessionStore extends AutoCloseable {

    Optional<Versioned> get(String clientId) throws StoreException;

    /** The records of these ids that exist, read together (pipelined where the store can). */
    Map<String, Versioned> getAll(Collection<String> clientIds) throws StoreException;

    /** Creates the record with this server's claim on it; returns its version, or empty if a record exists. */
    Optional<Integer> create(String clientId, SessionRecord record) throws StoreException;

    /**
     * Writes the record and takes this server's claim on it, if it is still at the version and nobody
     * holds the claim; returns the new version, or empty if not.
     */
    Optional<Integer> claim(String clientId, SessionRecord record, int expectedVersion) throws StoreException;

    /**
     * Writes the record and drops this server's claim, if it is still at the version; returns the new
     * version, or empty if not (taken over after this server lost its claim, or removed).
     */
    Optional<Integer> release(String clientId, SessionRecord record, int expectedVersion) throws StoreException;

    /** Deletes the record this server holds the claim on, if it is still at the version; true if deleted. */
    boolean finish(String clientId, int expectedVersion) throws StoreException;

    /** Replaces an unclaimed record if it is still at the version; returns the new version, or empty if not. */
    Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) throws StoreException;

    /** Deletes an unclaimed record if it is still at the version; true if this call deleted it. */
    boolean delete(String clientId, int expectedVersion) throws StoreException;

    /** The groups the sweep lists one at a time, so that no listing grows with the whole store. */
    List<String> buckets() throws StoreException;

    /**
     * The client ids with a record in the bucket and no claim, as far as two listings taken one after the
     * other can tell: {@link #get} says for sure.
     */
    Collection<String> unclaimedIds(String bucket) throws StoreException;

    /** Runs {@code action} each time this process loses every claim it held at once (a ZooKeeper session expiry). */
    default void onClaimsLost(Runnable action) {
    }

    /** Why the store cannot be used now (for /health), or null when it can. */
    default String unavailable() {
        return null;
    }

    /** A short name for logs: "memory" or "zookeeper". */
    String kind();

    @Override
    void close();
}
