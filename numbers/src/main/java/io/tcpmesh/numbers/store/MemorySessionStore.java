package io.tcpmesh.numbers.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Sessions in this process only: a client must come back to the same server to resume. */
public final class MemorySessionStore implements SessionStore {
    private final ConcurrentMap<String, Versioned> records = new ConcurrentHashMap<>();

    @Override
    public Optional<Versioned> get(String clientId) {
        return Optional.ofNullable(records.get(clientId));
    }

    @Override
    public Optional<Integer> create(String clientId, SessionRecord record) {
        return records.putIfAbsent(clientId, new Versioned(record, 0)) == null ? Optional.of(0) : Optional.empty();
    }

    @Override
    public Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) {
        Versioned[] written = new Versioned[1];
        records.computeIfPresent(clientId, (id, old) -> {
            if (old.version() != expectedVersion) {
                return old;
            }
            written[0] = new Versioned(record, expectedVersion + 1);
            return written[0];
        });
        return written[0] == null ? Optional.empty() : Optional.of(written[0].version());
    }

    @Override
    public boolean delete(String clientId, int expectedVersion) {
        Versioned current = records.get(clientId);
        return current != null && current.version() == expectedVersion && records.remove(clientId, current);
    }

    @Override
    public boolean delete(String clientId) {
        return records.remove(clientId) != null;
    }

    @Override
    public Collection<String> clientIds() {
        return List.copyOf(records.keySet());
    }

    @Override
    public boolean ownerAlive(String nodeId) {
        // one process: a session owned by another node id cannot be streamed by anyone
        return false;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public void close() {
        records.clear();
    }
}
