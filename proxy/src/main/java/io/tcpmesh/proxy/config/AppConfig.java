package io.tcpmesh.proxy.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One app of the configuration: the ports it listens on and the targets it forwards to.
 *
 * @param name           unique name, used in logs, stats and metrics
 * @param ports          ports to listen on (0 picks a free one, for tests)
 * @param targets        where connections go, tried in balancing order
 * @param balancing      how the first target is chosen
 * @param connectTimeout how long one connection attempt to one target may take
 * @param idleTimeout    a connection with no bytes either way for this long is closed; zero disables
 * @param maxConnections open connections above this are closed at once (0: no app limit)
 * @param responseTimeout a target that has sent nothing back this long after the last client byte (or the last
 *                        write to it) failed; zero disables
 * @param retryOnNoResponse replay the client's bytes (up to 64 KiB) to the next target when the target closes,
 *                          resets or times out before its first byte
 * @param maxConnectionsPerSource open connections from one client address above this are closed at once (0: none)
 * @param maxBandwidthPerConnection bytes per second each direction of one connection may carry (0: no cap)
 * @param stallTimeout   a side that has bytes queued for it and takes none of them for this long, while the other
 *                       side's reads are paused for it, has stopped reading: the connection is closed; zero disables
 * @param tls            TLS termination on every port of the app, or empty (plaintext, or TLS passed through)
 * @param targetTls      TLS toward the targets, verified, or empty (plaintext)
 */
public record AppConfig(String name, List<Integer> ports, List<TargetSpec> targets, Balancing balancing,
                        Duration connectTimeout, Duration idleTimeout, int maxConnections, Duration responseTimeout,
                        boolean retryOnNoResponse, int maxConnectionsPerSource, long maxBandwidthPerConnection,
                        Duration stallTimeout, Optional<TlsTermination> tls, Optional<TargetTls> targetTls) {
    /** The smallest bandwidth cap: below it one read buffer would stall a connection for seconds. */
    public static final long MIN_BANDWIDTH = 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    public AppConfig {
        Objects.requireNonNull(name, "Name cannot be null");
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("Name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
        }
        ports = List.copyOf(Objects.requireNonNull(ports, "Ports cannot be null"));
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("Ports: list at least one port");
        }
        var seen = new HashSet<Integer>();
        for (int p : ports) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("Ports: " + p + " is not in 1..65535");
            }
            if (p != 0 && !seen.add(p)) {
                throw new IllegalArgumentException("Ports: " + p + " is listed twice");
            }
        }
        targets = List.copyOf(Objects.requireNonNull(targets, "Targets cannot be null"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("Targets: list at least one target");
        }
        balancing = balancing == null ? Balancing.ROUND_ROBIN : balancing;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException("ConnectTimeout must be positive");
        }
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        if (idleTimeout.isNegative() || (!idleTimeout.isZero() && idleTimeout.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("IdleTimeout must be whole seconds (0s disables it), not " + idleTimeout.toMillis() + " ms");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("MaxConnections cannot be negative");
        }
        responseTimeout = responseTimeout == null ? Duration.ZERO : responseTimeout;
        if (responseTimeout.isNegative()) {
            throw new IllegalArgumentException("ResponseTimeout cannot be negative (0s disables it)");
        }
        if (maxConnectionsPerSource < 0) {
            throw new IllegalArgumentException("MaxConnectionsPerSource cannot be negative (0: no limit)");
        }
        if (maxBandwidthPerConnection < 0 || (maxBandwidthPerConnection > 0 && maxBandwidthPerConnection < MIN_BANDWIDTH)) {
            throw new IllegalArgumentException("MaxBandwidthPerConnection must be 0 (no cap) or at least " + MIN_BANDWIDTH
                    + " bytes/s, not " + maxBandwidthPerConnection);
        }
        stallTimeout = stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("StallTimeout cannot be negative (0s disables it)");
        }
        tls = tls == null ? Optional.empty() : tls;
        targetTls = targetTls == null ? Optional.empty() : targetTls;
    }

    /** The same app with a first-byte deadline and replay set. */
    public AppConfig withResponse(Duration timeout, boolean retry) {
        return new AppConfig(name, ports, targets, balancing, connectTimeout, idleTimeout, maxConnections, timeout, retry,
                maxConnectionsPerSource, maxBandwidthPerConnection, stallTimeout, tls, targetTls);
    }

    /** A minimal app, as the original exercise's file describes one. */
    public static AppConfig of(String name, List<Integer> ports, List<String> targets) {
        return new AppConfig(name, ports, targets.stream().map(TargetSpec::parse).toList(), null, null, null, 0, null, false, 0, 0,
                null, null, null);
    }
}
