package io.tcpmesh.coordination;

import io.tcpmesh.coordination.cli.EmbeddedZooKeeper;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderElectionIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    /** One participant with its own client, recording every call its listener gets. */
    private final class Participant {
        final CuratorFramework client;
        final LeaderElection election;
        final List<Boolean> reports = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        Participant(String id, ZooKeeperConfig config) {
            client = zk.newClient(config);
            election = zk.track(new LeaderElection(client, "echo", id, leader -> {
                reports.add(leader);
                threads.add(Thread.currentThread().getName());
            }));
            election.start();
        }

        boolean leads() {
            return election.isLeader();
        }
    }

    private List<Participant> participants(int n, ZooKeeperConfig config) {
        List<Participant> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            all.add(new Participant("node-" + i, config));
        }
        return all;
    }

    private static long leaders(List<Participant> all) {
        return all.stream().filter(Participant::leads).count();
    }

    private static Participant leader(List<Participant> all) {
        return all.stream().filter(Participant::leads).findFirst().orElseThrow();
    }

    @Test
    void threeParticipantsHaveExactlyOneLeaderAtEveryObservation() {
        List<Participant> all = participants(3, zk.config());
        Timing.await("a leader", Duration.ofSeconds(5), () -> leaders(all) == 1);
        Timing.holdsFor("exactly one leader", Duration.ofMillis(500), () -> leaders(all) == 1);

        // ZooKeeper names the participant that leads (read first, then compared: on a starved machine a
        // session may expire between two reads, and the lease hands leadership on)
        CuratorFramework reader = zk.newClient();
        Timing.await("ZooKeeper names the one participant that leads", Duration.ofSeconds(10), () -> {
            Optional<String> named = LeaderElection.leaderOf(reader, "echo");
            List<Participant> leading = all.stream().filter(Participant::leads).toList();
            return leading.size() == 1 && named.equals(Optional.of(leading.get(0).election.participantId()))
                    && leading.get(0).election.currentLeader().equals(named);
        });
    }

    @Test
    void closingTheLeaderElectsAnotherWithinASecond() {
        List<Participant> all = participants(3, zk.config());
        Timing.await("a leader", Duration.ofSeconds(5), () -> leaders(all) == 1);
        Participant old = leader(all);

        old.election.close();

        assertThat(old.reports).containsExactly(true, false);
        List<Participant> rest = all.stream().filter(p -> p != old).toList();
        Timing.await("a new leader", Duration.ofSeconds(1), () -> leaders(rest) == 1);
        assertThat(old.leads()).isFalse();
    }

    @Test
    void losingZooKeeperMakesTheLeaderGiveUpAndOneLeaderReturnsAfterwards() throws Exception {
        List<Participant> all = participants(3, zk.config());
        Timing.await("a leader", Duration.ofSeconds(5), () -> leaders(all) == 1);
        Participant old = leader(all);

        zk.stop();
        // the lease (half the 2 s session) lapses without the server
        Timing.await("the leader gives up", Duration.ofSeconds(5), () -> !old.leads());
        Timing.await("the listener is told", Duration.ofSeconds(2), () -> old.reports.equals(List.of(true, false)));
        assertThat(leaders(all)).isZero();

        zk.restart();
        Timing.await("one leader again", Duration.ofSeconds(15), () -> leaders(all) == 1);
        Timing.holdsFor("exactly one leader", Duration.ofMillis(500), () -> leaders(all) == 1);
        for (Participant p : all) {
            assertAlternates(p.reports);
            assertThat(p.threads).allMatch(name -> name.equals("leader-echo"));
        }
    }

    @Test
    void killingTheMembersTheLeaderUsesKeepsTheSameLeaderWithoutAGap() throws Exception {
        // five members, so that two can be killed without a restart; ports below the ephemeral range
        List<InstanceSpec> specs = TestZooKeeper.clusterSpecs(5);
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            // 5 s, the tcpmesh default (stretched with -Dtcpmesh.timing, at most ZooKeeper's 20 ticks): the
            // lease, half of it, outlasts a reconnection to another member
            ZooKeeperConfig config = ZooKeeperConfig.of(cluster.getConnectString(), zk.root()).withSessionTimeout(ensembleSession());
            List<Participant> all = participants(3, config);
            Timing.await("a leader", Duration.ofSeconds(20), () -> leaders(all) == 1);
            Participant old = leader(all);
            long session = old.client.getZookeeperClient().getZooKeeper().getSessionId();

            for (int kill = 0; kill < 2; kill++) {
                InstanceSpec server = kill == 0
                        ? cluster.findConnectionInstance(old.client.getZookeeperClient().getZooKeeper())
                        : Timing.await("a quorum leader", Duration.ofSeconds(20), () -> quorumLeader(cluster), Optional::isPresent).get();
                cluster.killServer(server);
                long reconnected = 0;
                long deadline = System.nanoTime() + Timing.seconds(15).toNanos();
                while (reconnected == 0 || System.nanoTime() - reconnected < Duration.ofSeconds(2).toNanos()) {
                    assertThat(old.leads()).as("the old leader leads at every observation (member %s killed)", server).isTrue();
                    assertThat(leaders(all)).as("leaders").isEqualTo(1);
                    if (reconnected == 0 && connectedElsewhere(cluster, old, server)) {
                        reconnected = System.nanoTime();
                    }
                    assertThat(System.nanoTime()).as("reconnected in time").isLessThan(deadline);
                    Thread.onSpinWait();
                }
            }
            assertThat(old.client.getZookeeperClient().getZooKeeper().getSessionId()).as("the same session").isEqualTo(session);
            assertThat(old.reports).as("never told it lost leadership").containsExactly(true);
        }
    }

    static Duration ensembleSession() {
        Duration scaled = Timing.scaled(Duration.ofSeconds(5));
        Duration max = Duration.ofMillis(20L * TestZooKeeper.TICK_MILLIS);
        return scaled.compareTo(max) > 0 ? max : scaled;
    }

    private static Optional<InstanceSpec> quorumLeader(TestingCluster cluster) {
        return cluster.getInstances().stream()
                .filter(spec -> EmbeddedZooKeeper.mode("127.0.0.1", spec.getPort(), Duration.ofSeconds(2)).equals(Optional.of("leader")))
                .findFirst();
    }

    private static boolean connectedElsewhere(TestingCluster cluster, Participant p, InstanceSpec dead) {
        try {
            InstanceSpec now = cluster.findConnectionInstance(p.client.getZookeeperClient().getZooKeeper());
            return now != null && !now.equals(dead) && p.client.getZookeeperClient().isConnected();
        } catch (Exception e) {
            return false;
        }
    }

    private static void assertAlternates(List<Boolean> reports) {
        for (int i = 0; i < reports.size(); i++) {
            assertThat(reports.get(i)).as("report %d of %s", i, reports).isEqualTo(i % 2 == 0);
        }
    }
}
