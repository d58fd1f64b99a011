package io.tcpmesh.echo;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.cli.EmbeddedZooKeeper;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.tcpmesh.echo.EchoNodes.answers;
import static io.tcpmesh.echo.EchoNodes.echo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A three-member ensemble loses the member the echo leader is connected to, then the ensemble's
 * leader: the echo leader reconnects within its lease in the same session, so the master port keeps
 * its leader with no gap, and every node stays registered exactly once.
 */
class EchoEnsembleIT {
    /** The tcpmesh default, stretched with -Dtcpmesh.timing up to ZooKeeper's 20 ticks: the lease is half of it. */
    private static final Duration SESSION = min(Timing.scaled(Duration.ofSeconds(5)), Duration.ofMillis(20L * TestZooKeeper.TICK_MILLIS));

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Test
    void losingAMemberCostsTheMasterPortNothing() throws Exception {
        // five members, so that two can be killed without a restart; ports below the ephemeral range
        List<InstanceSpec> specs = TestZooKeeper.clusterSpecs(5);
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            String root = "/tcpmesh-ensemble";
            try (EchoNodes nodes = new EchoNodes(cluster.getConnectString(), root, SESSION);
                 CuratorFramework observer = ZooKeeperClients.start(ZooKeeperConfig.of(cluster.getConnectString(), root).withSessionTimeout(SESSION))) {
                nodes.startMany(3);
                RunningService leader = Timing.await("one node serving the master port", Duration.ofSeconds(30),
                        nodes::onlyServing, Optional::isPresent).get();
                Timing.await("three registrations", Duration.ofSeconds(20), () -> registrations(observer).size() == 3);
                List<String> registered = registrations(observer);
                CuratorFramework leaderClient = leader.instance(CuratorFramework.class);
                long session = leaderClient.getZookeeperClient().getZooKeeper().getSessionId();

                try (Load load = new Load(nodes.masterPort())) {
                    Timing.await("load running", Duration.ofSeconds(10), () -> load.echoes.get() > 10);
                    for (int kill = 0; kill < 2; kill++) {
                        InstanceSpec member = kill == 0
                                ? cluster.findConnectionInstance(leaderClient.getZookeeperClient().getZooKeeper())
                                : Timing.await("a quorum leader", Duration.ofSeconds(20), () -> quorumLeader(cluster), Optional::isPresent).get();
                        cluster.killServer(member);
                        long reconnected = 0;
                        long deadline = System.nanoTime() + Timing.seconds(20).toNanos();
                        while (reconnected == 0 || System.nanoTime() - reconnected < Duration.ofSeconds(2).toNanos()) {
                            assertThat(nodes.serving()).as("the nodes serving the master port (member %s killed)", member)
                                    .containsExactly(leader);
                            assertThat(load.failures).as("master-port failures").isEmpty();
                            if (reconnected == 0 && connectedElsewhere(cluster, leaderClient, member)) {
                                reconnected = System.nanoTime();
                            }
                            assertThat(System.nanoTime()).as("the leader reconnected in time").isLessThan(deadline);
                            Thread.sleep(5);
                        }
                        Timing.await("every node registered exactly once", Duration.ofSeconds(20),
                                () -> registrations(observer), r -> r.equals(registered));
                    }
                    long before = load.echoes.get();
                    Timing.await("load still echoed", Duration.ofSeconds(5), () -> load.echoes.get() > before);
                }
                assertThat(leaderClient.getZookeeperClient().getZooKeeper().getSessionId()).as("the same session").isEqualTo(session);
                assertThat(echo(leader).servesMasterPort()).isTrue();
                assertThat(answers(nodes.masterPort())).isTrue();
            }
        }
    }

    private static List<String> registrations(CuratorFramework client) {
        try {
            return client.getChildren().forPath("/services/echo").stream().sorted().toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static Optional<InstanceSpec> quorumLeader(TestingCluster cluster) {
        return cluster.getInstances().stream()
                .filter(s -> EmbeddedZooKeeper.mode("127.0.0.1", s.getPort(), Duration.ofSeconds(2)).equals(Optional.of("leader")))
                .findFirst();
    }

    private static boolean connectedElsewhere(TestingCluster cluster, CuratorFramework client, InstanceSpec dead) {
        try {
            InstanceSpec now = cluster.findConnectionInstance(client.getZookeeperClient().getZooKeeper());
            return now != null && !now.equals(dead) && client.getZookeeperClient().isConnected();
        } catch (Exception e) {
            return false;
        }
    }

    /** Echoes 4 bytes on one held master-port connection every few ms; records any failure. */
    private static final class Load implements AutoCloseable {
        final AtomicLong echoes = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Load(int port) {
            thread = DaemonThreads.start("master-port-load", () -> run(port));
        }

        private void run(int port) {
            byte[] ping = {'p', 'i', 'n', 'g'};
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                while (running.get()) {
                    s.getOutputStream().write(ping);
                    if (!Arrays.equals(ping, in.readNBytes(4))) {
                        failures.add("short echo");
                        return;
                    }
                    echoes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (IOException e) {
                failures.add(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
