package io.tcpmesh.coordination.cli;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real ZooKeeper server from the zookeeper jar ({@link ZooKeeperServerMain}), standalone, on one port
 * and one data folder. Used by {@code dist/bin/zookeeper} and by tests that want a server they can stop
 * and start like a process.
 *
 * <p>{@link #start()} returns once the server accepts connections. Its admin HTTP server is off.
 * {@link #close()} stops the server; the data folder stays.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    /**
     * A 500 ms tick lets clients ask for sessions of 1 s to 10 s, so tcpmesh's 5 s default is granted
     * as asked rather than clamped to ZooKeeper's usual 4 s floor.
     */
    public static final Duration DEFAULT_TICK = Duration.ofMillis(500);

    private final String bindAddress;
    private final int requestedPort;
    private final Path dataDir;
    private final Duration tick;
    private final Server server = new Server();
    private final CountDownLatch started = new CountDownLatch(1);
    private Thread thread;
    private volatile Throwable failure;

    public EmbeddedZooKeeper(String bindAddress, int port, Path dataDir, Duration tick) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress cannot be null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, not " + port);
        }
        this.requestedPort = port;
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir cannot be null");
        this.tick = Objects.requireNonNull(tick, "tick cannot be null");
    }

    /** Starts the server and waits until it accepts connections, or fails within the timeout. */
    public EmbeddedZooKeeper start(Duration timeout) throws IOException, InterruptedException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        Files.createDirectories(dataDir);
        ServerConfig config = config();
        thread = new Thread(() -> run(config), "zookeeper-" + requestedPort);
        thread.start();
        if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IOException("ZooKeeper did not start on " + bindAddress + ":" + requestedPort + " within " + timeout);
        }
        if (failure instanceof java.net.BindException) {
            throw (IOException) new java.net.BindException("cannot bind " + bindAddress + ":" + requestedPort + ": " + failure.getMessage()).initCause(failure);
        }
        if (failure != null) {
            throw new IOException("ZooKeeper could not start on " + bindAddress + ":" + requestedPort + ": " + failure.getMessage(), failure);
        }
        log.info("ZooKeeper serving on {}:{}, data in {}, tick {} ms", bindAddress, port(), dataDir, tick.toMillis());
        return this;
    }

    /**
     * What every tcpmesh ZooKeeper server is given: data folder, client address, tick, no connection
     * limits, the admin HTTP server off, and the four-letter words {@code ruok, stat, srvr, mntr, cons}
     * (status.sh reads each member's role with {@code srvr}).
     */
    static Properties serverProperties(Path dataDir, String bindAddress, int clientPort, Duration tick) {
        Properties p = new Properties();
        p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        p.setProperty("clientPortAddress", bindAddress);
        p.setProperty("clientPort", Integer.toString(clientPort));
        p.setProperty("tickTime", Long.toString(tick.toMillis()));
        p.setProperty("maxClientCnxns", "0");
        p.setProperty("maxCnxns", "0");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "ruok,stat,srvr,mntr,cons");
        p.setProperty("autopurge.snapRetainCount", "3");
        p.setProperty("autopurge.purgeInterval", "1");
        return p;
    }

    private ServerConfig config() throws IOException {
        Properties p = serverProperties(dataDir, bindAddress, requestedPort, tick);
        QuorumPeerConfig quorum = new QuorumPeerConfig();
        try {
            quorum.parseProperties(p);
        } catch (QuorumPeerConfig.ConfigException e) {
            throw new IOException("bad ZooKeeper configuration: " + e.getMessage(), e);
        }
        ServerConfig config = new ServerConfig();
        config.readFrom(quorum);
        return config;
    }

    private void run(ServerConfig config) {
        try {
            server.runFromConfig(config);
        } catch (Throwable t) {
            failure = t;
            started.countDown();
        }
    }

    /** The bound port; with port 0 asked, the one the system picked. */
    public int port() {
        return server.getClientPort();
    }

    public String connectString() {
        String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        return host + ":" + port();
    }

    /** True when the server answers ZooKeeper's {@code ruok}. */
    public static boolean isServing(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            s.getOutputStream().write("ruok".getBytes());
            byte[] reply = s.getInputStream().readNBytes(4);
            return "imok".equals(new String(reply));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The server's role as its {@code srvr} four-letter word says ({@code leader}, {@code follower},
     * {@code standalone}, ...), or empty when it does not answer. {@code srvr} is in ZooKeeper's default
     * four-letter-word whitelist, and in ours.
     */
    public static Optional<String> mode(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return reply.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        thread.join();
    }

    @Override
    public void close() {
        server.stop();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Exposes the protected start and stop hooks of the real server. */
    private final class Server extends ZooKeeperServerMain {
        @Override
        protected void serverStarted() {
            started.countDown();
        }

        void stop() {
            shutdown();
        }
    }
}
