package io.tcpmesh.coordination.cli;

import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * One member of a ZooKeeper ensemble: the real {@link QuorumPeerMain} of the zookeeper jar, with its
 * id written to {@code DATA-DIR/myid}. Members are numbered 1..n in the order of the member list.
 *
 * <p>{@link #start(Duration)} returns once the client port accepts connections; the member serves
 * clients only once a quorum of the members has formed. {@link #close()} stops the peer.
 */
public final class QuorumMember implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuorumMember.class);

    /** One member's quorum address: {@code host:peerPort:electionPort}. */
    public record Address(String host, int peerPort, int electionPort) {
        public Address {
            Objects.requireNonNull(host, "host cannot be null");
            if (host.isBlank()) {
                throw new IllegalArgumentException("a member's host cannot be empty");
            }
            checkPort(peerPort, "peer port");
            checkPort(electionPort, "election port");
            if (peerPort == electionPort) {
                throw new IllegalArgumentException("member " + host + ": peer and election port are both " + peerPort);
            }
        }

        /** Parses {@code host:peerPort:electionPort}. */
        public static Address parse(String text) {
            String[] parts = text.trim().split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("'" + text + "' is not host:peerPort:electionPort");
            }
            return new Address(parts[0], port(parts[1], text), port(parts[2], text));
        }

        private static int port(String s, String text) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' in '" + text + "' is not a port number");
            }
        }

        private static void checkPort(int p, String what) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(what + " must be in 1..65535, not " + p);
            }
        }

        @Override
        public String toString() {
            return host + ":" + peerPort + ":" + electionPort;
        }
    }

    private final int id;
    private final List<Address> members;
    private final String bindAddress;
    private final int clientPort;
    private final Path dataDir;
    private final Duration tick;
    private final Peer peer = new Peer();
    private Thread thread;
    private volatile Throwable failure;

    public QuorumMember(int id, List<Address> members, String bindAddress, int clientPort, Path dataDir, Duration tick) {
        if (members.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs at least 2 members (3 or 5 to survive a loss), not " + members.size());
        }
        if (id < 1 || id > members.size()) {
            throw new IllegalArgumentException("--id must be in 1.." + members.size() + " (the member's place in --members), not " + id);
        }
        if (clientPort < 1 || clientPort > 65535) {
            throw new IllegalArgumentException("an ensemble member needs a client port in 1..65535, not " + clientPort);
        }
        this.id = id;
        this.members = List.copyOf(members);
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress cannot be null");
        this.clientPort = clientPort;
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir cannot be null");
        this.tick = Objects.requireNonNull(tick, "tick cannot be null");
    }

    /** Writes myid, starts the peer, and waits until the client port accepts connections. */
    public QuorumMember start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        writeMyId();
        QuorumPeerConfig config = config();
        thread = new Thread(this::run, "zookeeper-member-" + id);
        thread.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepts()) {
            if (failure != null) {
                throw new IOException("ZooKeeper member " + id + " could not start: " + failure.getMessage(), failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("ZooKeeper member " + id + " did not open client port " + clientPort + " within " + timeout);
            }
            Thread.sleep(50);
        }
        log.info("ZooKeeper member {} of {} ({}): client port {}:{}, data in {}, tick {} ms", id, members.size(),
                members.get(id - 1), bindAddress, clientPort, dataDir, tick.toMillis());
        return this;
    }

    private void writeMyId() throws IOException {
        Path myid = dataDir.resolve("myid");
        if (Files.exists(myid)) {
            String existing = Files.readString(myid, StandardCharsets.US_ASCII).trim();
            if (!existing.equals(Integer.toString(id))) {
                throw new IllegalArgumentException(myid + " says this is member " + existing + ", not " + id
                        + ": use that member's --id or another --data-dir");
            }
            return;
        }
        Files.writeString(myid, id + "\n", StandardCharsets.US_ASCII);
    }

    QuorumPeerConfig config() throws IOException {
        Properties p = EmbeddedZooKeeper.serverProperties(dataDir, bindAddress, clientPort, tick);
        p.setProperty("initLimit", "20");
        // a follower cut off from the leader stops serving after syncLimit ticks (1 s with the 500 ms tick)
        p.setProperty("syncLimit", "2");
        // standaloneEnabled and reconfigEnabled stay at their defaults: QuorumPeerConfig keeps them in
        // static fields, so setting them would change every other ZooKeeper server in this JVM
        for (int i = 0; i < members.size(); i++) {
            p.setProperty("server." + (i + 1), members.get(i).toString());
        }
        QuorumPeerConfig config = new QuorumPeerConfig();
        try {
            config.parseProperties(p);
        } catch (QuorumPeerConfig.ConfigException e) {
            throw new IOException("bad ZooKeeper ensemble configuration: " + e.getMessage(), e);
        }
        return config;
    }

    private void run() {
        try {
            peer.runFromConfig(config());
        } catch (Throwable t) {
            failure = t;
        }
    }

    private boolean accepts() {
        String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, clientPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The client connect string of this member. */
    public String connectString() {
        return (bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress) + ":" + clientPort;
    }

    @Override
    public void close() {
        peer.stop();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Exposes the peer for shutdown. */
    private static final class Peer extends QuorumPeerMain {
        void stop() {
            if (quorumPeer != null) {
                quorumPeer.shutdown();
            }
        }
    }
}
