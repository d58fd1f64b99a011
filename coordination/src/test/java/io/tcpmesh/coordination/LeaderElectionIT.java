package io.tcpmesh.coordination;

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

        Participant leader = leader(all);
        assertThat(leader.election.currentLeader()).contains(leader.election.participantId());
        assertThat(LeaderElection.leaderOf(zk.newClient(), "echo")).contains(leader.election.participantId());
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
        // SUSPENDED comes after about two thirds of the 2 s session without the server
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
    void killingTheLeadersServerLeavesExactlyOneLeaderAfterTheSessionTimeout() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, -1, TestZooKeeper.TICK_MILLIS, -1));
        }
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            ZooKeeperConfig config = ZooKeeperConfig.of(cluster.getConnectString(), zk.root())
                    .withSessionTimeout(Duration.ofSeconds(2));
            List<Participant> all = participants(3, config);
            Timing.await("a leader", Duration.ofSeconds(20), () -> leaders(all) == 1);
            Participant old = leader(all);

            InstanceSpec server = cluster.findConnectionInstance(old.client.getZookeeperClient().getZooKeeper());
            cluster.killServer(server);

            Timing.await("the old leader's connection is suspended", Duration.ofSeconds(10), () -> !old.leads());
            Timing.await("exactly one leader after the session timeout", Duration.ofSeconds(20), () -> {
                long n = leaders(all);
                assertThat(n).as("leaders at any observation").isLessThanOrEqualTo(1);
                return n == 1;
            });
            Timing.holdsFor("still exactly one leader", Duration.ofSeconds(1), () -> leaders(all) == 1);
            all.forEach(p -> assertAlternates(p.reports));
        }
    }

    private static void assertAlternates(List<Boolean> reports) {
        for (int i = 0; i < reports.size(); i++) {
            assertThat(reports.get(i)).as("report %d of %s", i, reports).isEqualTo(i % 2 == 0);
        }
    }
}
