package io.tcpmesh.coordination.tls;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts TLS handshakes of one endpoint: completed ones by protocol version, failed ones by reason
 * ({@link TlsFailure}). Thread-safe.
 */
public final class TlsStats {
    private final LongAdder started = new LongAdder();
    private final ConcurrentMap<String, LongAdder> completed = new ConcurrentHashMap<>();
    private final ConcurrentMap<TlsFailure, LongAdder> failed = new ConcurrentHashMap<>();

    void begun() {
        started.increment();
    }

    void completed(String protocol) {
        completed.computeIfAbsent(protocol, p -> new LongAdder()).increment();
    }

    void failure(TlsFailure reason) {
        failed.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Handshakes begun. */
    public long started() {
        return started.sum();
    }

    /** Completed handshakes by negotiated protocol ({@code TLSv1.3}, {@code TLSv1.2}). */
    public Map<String, Long> completed() {
        Map<String, Long> out = new TreeMap<>();
        completed.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long completedTotal() {
        return completed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Failed handshakes by reason. */
    public Map<TlsFailure, Long> failed() {
        Map<TlsFailure, Long> out = new TreeMap<>();
        failed.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long failures(TlsFailure reason) {
        LongAdder n = failed.get(reason);
        return n == null ? 0 : n.sum();
    }

    @Override
    public String toString() {
        return "started " + started() + ", completed " + completed() + ", failed " + failed();
    }
}
