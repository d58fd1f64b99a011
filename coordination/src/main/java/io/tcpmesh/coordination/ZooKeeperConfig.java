package io.tcpmesh.coordination;

import java.time.Duration;
import java.util.Objects;

/**
 * How a tcpmesh process reaches ZooKeeper.
 *
 * @param connectString     one or more {@code host:port} pairs separated by commas
 * @param root              the namespace every tcpmesh path lives under, such as {@code /tcpmesh}
 * @param sessionTimeout    the session timeout asked of the server (the server clamps it to 2..20 ticks)
 * @param connectionTimeout how long one connection attempt may take
 * @param retryBaseSleep    first sleep of the exponential-backoff retry policy
 * @param retryMaxSleep     longest sleep of the retry policy
 * @param retries           how many times one operation is retried
 * @param auth              the tcpmesh writer identity ({@code --zk-auth}), or null for none: open ACLs, as
 *                          before tcpmesh had one
 */
public record ZooKeeperConfig(
        String connectString,
        String root,
        Duration sessionTimeout,
        Duration connectionTimeout,
        Duration retryBaseSleep,
        Duration retryMaxSleep,
        int retries,
        ZooKeeperAuth auth) {

    public static final String DEFAULT_CONNECT_STRING = "127.0.0.1:2181";
    public static final String DEFAULT_ROOT = "/tcpmesh";
    /**
     * Short enough that a killed echo leader is replaced within about six seconds, long enough that a
     * full garbage collection or a busy 2-core machine does not make a healthy node flap.
     */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    public ZooKeeperConfig {
        Objects.requireNonNull(connectString, "connectString cannot be null");
        Objects.requireNonNull(root, "root cannot be null");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout cannot be null");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout cannot be null");
        Objects.requireNonNull(retryBaseSleep, "retryBaseSleep cannot be null");
        Objects.requireNonNull(retryMaxSleep, "retryMaxSleep cannot be null");
        connectString = connectString.trim();
        if (connectString.isEmpty()) {
            throw new IllegalArgumentException("--zk cannot be empty: give host:port[,host:port...]");
        }
        for (String host : connectString.split(",")) {
            validateHostPort(host.trim());
        }
        root = normaliseRoot(root);
        requirePositive(sessionTimeout, "session timeout");
        requirePositive(connectionTimeout, "connection timeout");
        requirePositive(retryBaseSleep, "retry base sleep");
        if (retryMaxSleep.compareTo(retryBaseSleep) < 0) {
            throw new IllegalArgumentException("retry max sleep " + retryMaxSleep + " is shorter than the base sleep " + retryBaseSleep);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries cannot be negative: " + retries);
        }
    }

    /** The defaults, against the given ensemble and root. */
    public static ZooKeeperConfig of(String connectString, String root) {
        return new ZooKeeperConfig(connectString, root, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT,
                Duration.ofMillis(200), Duration.ofSeconds(2), 3, null);
    }

    /** The same, with another session timeout; a connection attempt never outlasts the session. */
    public ZooKeeperConfig withSessionTimeout(Duration timeout) {
        Duration connect = connectionTimeout.compareTo(timeout) > 0 ? timeout : connectionTimeout;
        return new ZooKeeperConfig(connectString, root, timeout, connect, retryBaseSleep, retryMaxSleep, retries, auth);
    }

    /** The same, authenticating with the given identity (null: none). */
    public ZooKeeperConfig withAuth(ZooKeeperAuth identity) {
        return new ZooKeeperConfig(connectString, root, sessionTimeout, connectionTimeout, retryBaseSleep, retryMaxSleep, retries, identity);
    }

    /** True when this client authenticates and protects what it creates. */
    public boolean authenticated() {
        return auth != null;
    }

    /** The root without its leading slash, as Curator's namespace wants it. */
    public String namespace() {
        return root.substring(1);
    }

    private static void validateHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--zk: '" + hostPort + "' is not host:port");
        }
        String port = hostPort.substring(colon + 1);
        int value;
        try {
            value = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--zk: port '" + port + "' of '" + hostPort + "' is not a number");
        }
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("--zk: port " + value + " of '" + hostPort + "' is outside 1..65535");
        }
    }

    private static String normaliseRoot(String root) {
        String trimmed = root.trim();
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (!trimmed.startsWith("/") || trimmed.length() < 2 || trimmed.contains("//")) {
            throw new IllegalArgumentException("--zk-root must be an absolute ZooKeeper path such as /tcpmesh, not '" + root + "'");
        }
        return trimmed;
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}
