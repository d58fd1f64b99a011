package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.Sizes;
import io.tcpmesh.storage.protocol.MessageCodec;
import io.tcpmesh.storage.protocol.Names;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one agent does, validated up front; every message names the option.
 *
 * @param collector    the collector's address, or null to find it in ZooKeeper ({@code zk})
 * @param run          the run to join, or null for the collector's open run
 * @param minFree      writing stops when the folder's free space would drop below this
 * @param maxRate      bytes per second per writer, 0 for as fast as the disk goes
 * @param drainTimeout how long to wait after STOP for the collector to acknowledge everything
 * @param outboxLimit  messages kept for the collector while it is away, beyond which samples are dropped
 * @param expect       agents a run this agent opens waits for (0: the collector's --expect)
 */
public record AgentConfig(String id, Duration runtime, long chunkSize, long fileSize, Path dir, int writers,
                          Duration heartbeat, Duration monitor, InetSocketAddress collector, ZooKeeperConfig zk,
                          String run, boolean keepFiles, long minFree, long maxRate, Duration drainTimeout,
                          int outboxLimit, int expect) {
    /** Chunks below this are accepted with a warning: the exercise asks for about 10 MB. */
    public static final long USUAL_CHUNK = 10L << 20;
    public static final int MAX_CHUNK = 1 << 30;

    public AgentConfig {
        requireName(id, "--id");
        if (run != null) {
            requireName(run, "--run");
        }
        positive(runtime, "--runtime");
        period(heartbeat, "--heartbeat");
        period(monitor, "--monitor");
        positive(drainTimeout, "--drain-timeout");
        if (chunkSize <= 0 || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("--chunk-size must be between 1 and 1G, not " + Sizes.format(chunkSize));
        }
        if (fileSize < chunkSize) {
            throw new IllegalArgumentException("--file-size (" + Sizes.format(fileSize) + ") must be at least --chunk-size ("
                    + Sizes.format(chunkSize) + ")");
        }
        Objects.requireNonNull(dir, "--dir is required");
        if (writers < 1 || writers > 64) {
            throw new IllegalArgumentException("--writers must be between 1 and 64, not " + writers);
        }
        if (collector == null && zk == null) {
            throw new IllegalArgumentException("give --collector HOST:PORT or --zk to find the collector");
        }
        if (minFree < 0 || maxRate < 0) {
            throw new IllegalArgumentException("--min-free and --max-rate cannot be negative");
        }
        if (expect < 0) {
            throw new IllegalArgumentException("--expect cannot be negative, not " + expect);
        }
        if (outboxLimit < 16) {
            throw new IllegalArgumentException("--buffer must be at least 16 messages, not " + outboxLimit);
        }
    }

    public AgentConfig(String id, Duration runtime, long chunkSize, long fileSize, Path dir, int writers, Duration heartbeat,
                       Duration monitor, InetSocketAddress collector, ZooKeeperConfig zk, String run, boolean keepFiles,
                       long minFree, long maxRate, Duration drainTimeout, int outboxLimit) {
        this(id, runtime, chunkSize, fileSize, dir, writers, heartbeat, monitor, collector, zk, run, keepFiles, minFree, maxRate,
                drainTimeout, outboxLimit, 0);
    }

    private static void requireName(String value, String option) {
        if (!Names.valid(value)) {
            throw new IllegalArgumentException(option + " must be " + Names.RULE + ", not '" + value + "'");
        }
    }

    /** The collector refuses a START whose periods are out of these bounds. */
    private static void period(Duration d, String option) {
        if (d == null || d.toMillis() < MessageCodec.MIN_PERIOD_MS || d.toMillis() > MessageCodec.MAX_PERIOD_MS) {
            throw new IllegalArgumentException(option + " must be from " + MessageCodec.MIN_PERIOD_MS + "ms to 1h, not "
                    + (d == null ? "null" : Durations.format(d)));
        }
    }

    private static void positive(Duration d, String option) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + " must be positive");
        }
    }

    /** Parses {@code host:port} for {@code --collector}. */
    public static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--collector must be HOST:PORT, not '" + hostPort + "'");
        }
    }
}
