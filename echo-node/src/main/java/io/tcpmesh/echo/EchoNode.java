package io.tcpmesh.echo;

import io.tcpmesh.coordination.LeaderElection;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.coordination.server.MinaTcpServer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An echo node: echo on its own port, and, while it leads the {@code echo} election, on the master port.
 *
 * <p>Leadership changes arrive on the election's single callback thread; gaining it binds the master
 * port (after a last {@link LeaderElection#isLeader()} check), losing it releases the port at once.
 * Stopping releases the master port before leaving the election, so the next leader finds it free.
 */
@Singleton
public final class EchoNode implements TcpService {
    /** The election every echo node of a cluster joins, at {@code <root>/leaders/echo}. */
    public static final String ELECTION = "echo";
    public static final String LEADER_ATTRIBUTE = "leader";
    public static final String MASTER_PORT_ATTRIBUTE = "masterPort";

    private static final Logger log = LoggerFactory.getLogger(EchoNode.class);

    private final Node node;
    private final ServiceOptions options;
    private final EchoConfig config;
    private final CuratorFramework client;
    private final MinaTcpServer nodePort;
    private final MasterPort masterPort;
    private final CuratorListener disconnectWatch = this::zooKeeperEvent;
    private final ExecutorService rebinder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "master-port-rebind");
        t.setDaemon(true);
        return t;
    });
    private volatile LeaderElection election;

    @Inject
    EchoNode(Node node, ServiceOptions options, EchoConfig config, CuratorFramework client) {
        this.node = node;
        this.options = options;
        this.config = config;
        this.client = client;
        this.nodePort = new MinaTcpServer(node, options.bindAddress(), new EchoHandler(node, "node port", config, false));
        InetSocketAddress master = new InetSocketAddress(options.bindAddress().getAddress(), config.masterPort());
        this.masterPort = new MasterPort(node, master,
                new EchoHandler(node, "master port", config, config.broadcast()), this::isLeader);
    }

    @Override
    public InetSocketAddress start() throws IOException {
        InetSocketAddress bound = nodePort.start();
        node.named(options.nodeId(node.service(), bound.getPort()));
        node.attribute(LEADER_ATTRIBUTE, "false");
        node.attribute(MASTER_PORT_ATTRIBUTE, String.valueOf(config.masterPort()));
        LeaderElection e = new LeaderElection(client, ELECTION, node.name(), this::leadershipChanged);
        election = e;
        client.getCuratorListenable().addListener(disconnectWatch);
        e.start();
        return bound;
    }

    /** Leads only while the election says so and the ZooKeeper connection is up right now. */
    private boolean isLeader() {
        LeaderElection e = election;
        return e != null && e.isLeader() && client.getZookeeperClient().isConnected();
    }

    /**
     * Runs on ZooKeeper's event thread. Curator tells connection-state listeners (the election among
     * them) on one thread, which curator-x-discovery can keep busy re-registering for seconds while
     * ZooKeeper is unreachable; the raw Disconnected event is not held up by it, so the master port is
     * released here at once. The election's own SUSPENDED follows and is then a no-op.
     */
    private void zooKeeperEvent(CuratorFramework c, CuratorEvent event) {
        if (event.getType() == CuratorEventType.WATCHED && event.getWatchedEvent() != null
                && event.getWatchedEvent().getPath() == null) {
            KeeperState state = event.getWatchedEvent().getState();
            if (state == KeeperState.Disconnected || state == KeeperState.Expired) {
                masterPort.release("ZooKeeper " + state.name().toLowerCase());
            } else if (state == KeeperState.SyncConnected) {
                // a blip too short for the election to report: serve again if it still says we lead
                rebinder.execute(() -> {
                    if (isLeader() && !masterPort.isServing()) {
                        leadershipChanged(true);
                    }
                });
            }
        }
    }

    /** Runs on the election's callback thread. */
    private void leadershipChanged(boolean leader) {
        if (!leader) {
            masterPort.release("leadership lost");
            node.attribute(LEADER_ATTRIBUTE, "false");
            return;
        }
        try {
            if (masterPort.serve()) {
                InetSocketAddress bound = masterPort.boundAddress();
                if (config.masterPort() == 0 && bound != null) {
                    node.attribute(MASTER_PORT_ATTRIBUTE, String.valueOf(bound.getPort()));
                }
                node.attribute(LEADER_ATTRIBUTE, "true");
                // leadership may have gone while binding; the election then calls us again with false
                if (!isLeader()) {
                    masterPort.release("leadership lost while binding");
                    node.attribute(LEADER_ATTRIBUTE, "false");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            masterPort.release("interrupted");
        }
    }

    /** True while this node serves the master port. */
    public boolean servesMasterPort() {
        return masterPort.isServing();
    }

    /** The master port's bound address, or null while this node does not serve it. */
    public InetSocketAddress masterAddress() {
        return masterPort.boundAddress();
    }

    /** How many sessions the master port has now. */
    public int masterSessions() {
        return masterPort.sessionCount();
    }

    MasterPort masterPort() {
        return masterPort;
    }

    /** The node-port acceptor (tests read its sessions). */
    public MinaTcpServer nodePort() {
        return nodePort;
    }

    @Override
    public void stopAccepting() {
        leave();
        nodePort.stopAccepting();
    }

    /** Releases the master port first, then leaves the election, so the next leader binds a free port. */
    private void leave() {
        client.getCuratorListenable().removeListener(disconnectWatch);
        rebinder.shutdownNow();
        masterPort.close();
        LeaderElection e = election;
        if (e != null) {
            e.close();
        }
        node.attribute(LEADER_ATTRIBUTE, "false");
    }

    /** Bytes read on the node port since start (MINA's statistics): what clients sent this node. */
    public long nodePortBytesRead() {
        return nodePort.acceptor().getStatistics().getReadBytes();
    }

    /** Bytes written on the node port since start: what this node echoed. */
    public long nodePortBytesWritten() {
        return nodePort.acceptor().getStatistics().getWrittenBytes();
    }

    /** Connections the node port has accepted since start. */
    public long nodePortConnections() {
        return nodePort.acceptor().getStatistics().getCumulativeManagedSessionCount();
    }

    @Override
    public int awaitDrained(Duration timeout) throws InterruptedException {
        return nodePort.awaitDrained(timeout);
    }

    @Override
    public void close() {
        leave();
        nodePort.close();
        log.debug("[{}] echo node closed", node.name());
    }
}
