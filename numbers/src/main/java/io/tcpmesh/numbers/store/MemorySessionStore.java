package io.tcpmesh.numbers.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    public Map<String, Versioned> getAll(Collection<String> clientIds) {
        Map<String, Versioned> found = new HashMap<>();
        for (String id : clientIds) {
            get(id).ifPresent(v -> found.put(id, v));
        }
        return found;
    }

    @Override
    public Optional<Integer> create(String clientId, SessionRecord record) {
        return records.putIfAbsent(clientId, new Versioned(record, 0, true)) == null ? Optional.of(0) : Optional.empty();
    }

    @Override
    public Optional<Integer> claim(String clientId, SessionRecord record, int expectedVersion) {
        return write(clientId, expectedVersion, Boolean.FALSE, record, true);
    }

    @Override
    public Optional<Integer> release(String clientId, SessionRecord record, int expectedVersion) {
        return write(clientId, expectedVersion, null, record, false);
    }

    @Override
    public boolean finish(String clientId, int expectedVersion) {
        return remove(clientId, expectedVersion, null);
    }

    @Override
    public Optional<Integer> replace(String clientId, SessionRecord record, int expectedVersion) {
        return write(clientId, expectedVersion, null, record, false);
    }

    @Override
    public boolean delete(String clientId, int expectedVersion) {
        return remove(clientId, expectedVersion, Boolean.FALSE);
    }

    @Override
    public List<String> buckets() {
        return List.of("");
    }

    @Override
    public Collection<String> unclaimedIds(String bucket) {
        return records.entrySet().stream().filter(e -> !e.getValue().claimed()).map(java.util.Map.Entry::getKey).toList();
    }

    /** Every client id with a record. */
    public Collection<String> clientIds() {
        return List.copyOf(records.keySet());
    }

    /** Drops every claim, as the death of the process that held them would. */
    public void dropClaims() {
        records.replaceAll((id, v) -> new Versioned(v.record(), v.version(), false));
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public void close() {
        records.clear();
    }

    /** Writes if the version (and, unless {@code claimed} is null, the claim) is as expected. */
    private Optional<Integer> write(String clientId, int expectedVersion, Boolean claimed, SessionRecord record, boolean claim) {
        Versioned[] written = new Versioned[1];
        records.computeIfPresent(clientId, (id, old) -> {
            if (old.version() != expectedVersion || claimed != null && old.claimed() != claimed) {
                return old;
            }
            written[0] = new Versioned(record, expectedVersion + 1, claim);
            return written[0];
        });
        return written[0] == null ? Optional.empty() : Optional.of(written[0].version());
    }

    private boolean remove(String clientId, int expectedVersion, Boolean claimed) {
        Versioned current = records.get(clientId);
        return current != null && current.version() == expectedVersion && (claimed == null || current.claimed() == claimed)
                && records.remove(clientId, current);
    }
}
