package io.tcpmesh.proxy.routing;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/** Open connections per client address, under a cap that may change with each reload. Thread-safe. */
final class SourceCounts {
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /** Counts a connection from {@code source}; false (not counted) when it already has {@code max} (0: no cap). */
    boolean admit(InetAddress source, int max) {
        boolean[] admitted = {false};
        open.compute(source, (a, n) -> {
            int now = n == null ? 0 : n;
            if (max > 0 && now >= max) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    void release(InetAddress source) {
        open.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
    }

    int open(InetAddress source) {
        return open.getOrDefault(source, 0);
    }
}
