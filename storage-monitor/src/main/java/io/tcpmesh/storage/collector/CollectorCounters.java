package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.store.Store.Status;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the collector counts for /metrics. The counters are bumped on the database thread; the census
 * (runs and agents by state) is a snapshot the database thread takes at every tick, so a scrape never
 * touches the run state. Thread-safe.
 */
public final class CollectorCounters {
    private final LongAdder stored = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private volatile int runs;
    private volatile Map<Status, Integer> agents = zeros();

    void message(boolean fresh) {
        (fresh ? stored : duplicates).increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }

    void census(int runCount, Map<Status, Integer> agentsByStatus) {
        Map<Status, Integer> next = zeros();
        next.putAll(agentsByStatus);
        runs = runCount;
        agents = next;
    }

    private static Map<Status, Integer> zeros() {
        Map<Status, Integer> m = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            m.put(s, 0);
        }
        return m;
    }

    /** Messages stored, not counting the duplicates of a resent message. */
    public long stored() {
        return stored.sum();
    }

    /** Messages received again after a reconnection, acknowledged but not stored twice. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Sessions closed on a protocol error. */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    public int runs() {
        return runs;
    }

    public Map<Status, Integer> agents() {
        return agents;
    }
}
