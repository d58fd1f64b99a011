package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.tls.TlsClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One load run, validated. {@code duration} bounds the run in time; {@code requests} (when positive) bounds it
 * in requests; whichever comes first ends it. {@code shape} null means a closed loop (each connection sends
 * its next request when the last one is answered). {@code sweep} empty means one run with {@code connections}.
 * {@code tls} present: every connection speaks TLS (its handshake is part of the connect).
 */
public record LoadConfig(List<LoadTarget> targets, Mode mode, int connections, Duration duration, long requests,
                         Payload payload, RateShape shape, List<Integer> sweep, Duration timeout, Duration drain,
                         int threads, Path json, Path html, boolean progress, Optional<TlsClient> tls) {
    static final int MAX_CONNECTIONS = 20_000;

    public LoadConfig {
        targets = List.copyOf(targets);
        tls = tls == null ? Optional.empty() : tls;
        sweep = List.copyOf(sweep);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("give at least one target (host:port, --target or --config)");
        }
        if (mode == null) {
            throw new IllegalArgumentException("--mode must be echo, md5 or connect");
        }
        checkConnections("--connections", connections, targets.size());
        for (int n : sweep) {
            checkConnections("--sweep", n, targets.size());
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (requests < 0) {
            throw new IllegalArgumentException("--requests must not be negative, not " + requests);
        }
        if (payload == null) {
            throw new IllegalArgumentException("a message is needed: --size or --message-file");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (drain == null || drain.isNegative()) {
            throw new IllegalArgumentException("--drain must not be negative");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads must be 1..64, not " + threads);
        }
    }

    private static void checkConnections(String option, int n, int targets) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + n);
        }
        if ((long) n * targets > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(option + " " + n + " x " + targets + " targets is over " + MAX_CONNECTIONS + " connections");
        }
    }

    public boolean openLoop() {
        return shape != null;
    }

    /** The same run with another number of connections per target (a point of a sweep). */
    LoadConfig withConnections(int n) {
        return new LoadConfig(targets, mode, n, duration, requests, payload, shape, List.of(), timeout, drain,
                threads, json, html, progress, tls);
    }
}
