package io.tcpmesh.echo;

import io.tcpmesh.coordination.LeaderElection;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;

import static io.tcpmesh.echo.EchoNodes.answers;
import static io.tcpmesh.echo.EchoNodes.echo;
import static org.assertj.core.api.Assertions.assertThat;

class EchoFailoverIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private EchoNodes nodes;

    @BeforeEach
    void startThreeNodes() throws Exception {
        nodes = new EchoNodes(zk);
        nodes.startMany(3);
    }

    @AfterEach
    void stopNodes() {
        nodes.close();
    }

    private RunningService awaitOneLeader() {
        return Timing.await("exactly one node serving the master port", Duration.ofSeconds(10),
                nodes::onlyServing, Optional::isPresent).get();
    }

    @Test
    void exactlyOneOfThreeNodesServesMasterPort() throws Exception {
        RunningService leader = awaitOneLeader();

        assertThat(answers(nodes.masterPort())).isTrue();
        Timing.holdsFor("only the leader serves", Duration.ofMillis(500), () -> nodes.serving().equals(java.util.List.of(leader)));
        CuratorFramework client = zk.newClient();
        assertThat(LeaderElection.leaderOf(client, EchoNode.ELECTION)).contains(leader.node().name());
        ServiceWatch watch = zk.track(new ServiceRegistry(client).start()).watch("echo");
        Timing.await("the registry shows the leader", Duration.ofSeconds(5),
                () -> MasterLocator.leader(watch.instances()).map(i -> i.id()), id -> id.equals(Optional.of(leader.node().name())));
        Timing.await("the registry lists the three nodes", Duration.ofSeconds(5), () -> watch.instances().size() == 3);
        assertThat(watch.instances().stream().filter(i -> "true".equals(i.details().attribute(EchoNode.LEADER_ATTRIBUTE))))
                .hasSize(1);
    }

    @Test
    void closingLeaderMovesMasterPort() {
        RunningService leader = awaitOneLeader();

        long started = System.nanoTime();
        leader.close();
        // one bound for the whole move (Timing-scaled): another node serves, and the master port answers
        RunningService next = Timing.await("another node serving the master port, and answering, within 5 s", Duration.ofSeconds(5),
                () -> nodes.onlyServing().filter(n -> n != leader && answers(nodes.masterPort())), Optional::isPresent).get();
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(next).isNotSameAs(leader);
        System.out.println("master port moved after a graceful stop in " + millis + " ms");
    }

    @Test
    void killedSessionMovesMasterPortAndOldLeaderReleasesIt() throws Exception {
        RunningService leader = awaitOneLeader();

        zk.killSession(leader.instance(CuratorFramework.class));

        Timing.await("old leader releases the master port", Duration.ofSeconds(5), () -> !echo(leader).servesMasterPort());
        RunningService next = Timing.await("another node serves the master port", Duration.ofSeconds(10),
                nodes::onlyServing, s -> s.isPresent() && s.get() != leader).get();
        assertThat(echo(leader).servesMasterPort()).isFalse();
        assertThat(next.node().name()).isNotEqualTo(leader.node().name());
        Timing.await("master port answering", Duration.ofSeconds(5), () -> answers(nodes.masterPort()));
    }

    @Test
    void zooKeeperOutageReleasesMasterPortAndOneNodeServesAfterIt() throws Exception {
        awaitOneLeader();

        zk.stop();
        Timing.await("no node serving the master port", Duration.ofSeconds(5), () -> nodes.serving().isEmpty());
        assertThat(answers(nodes.masterPort())).isFalse();

        zk.restart();
        awaitOneLeader();
        // late connection-state events may still make the leader step down and back up: never two
        Timing.holdsFor("never more than one node serving", Duration.ofMillis(500), () -> nodes.serving().size() <= 1);
        CuratorFramework client = zk.newClient();
        Timing.await("the node serving is the one ZooKeeper elected", Duration.ofSeconds(10),
                () -> nodes.onlyServing().map(n -> n.node().name()).equals(LeaderElection.leaderOf(client, EchoNode.ELECTION)));
        Timing.await("master port answering", Duration.ofSeconds(5), () -> answers(nodes.masterPort()));
    }
}
