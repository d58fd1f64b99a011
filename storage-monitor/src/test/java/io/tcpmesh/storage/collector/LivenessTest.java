package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LivenessTest {
    @TempDir
    Path dir;

    private static Store.AgentRow row(Parts p, AgentSession s) {
        return p.store.agents(s.run).stream().filter(a -> a.agentId().equals(s.agent)).findFirst().orElseThrow();
    }

    @Test
    void aConnectedAgentIsGoneAfterThreeSilentHeartbeatPeriods() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 200));
            p.advance(599);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.RUNNING);
            p.send(s, Parts.heartbeat(2));
            p.advance(599);
            assertThat(row(p, s).status()).as("the heartbeat restarted the count").isEqualTo(Store.Status.RUNNING);
            p.advance(1);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.GONE);
            assertThat(row(p, s).statusReason()).contains("3 heartbeats missed");
            assertThat(p.finished).containsExactly(s.run);
        }
    }

    @Test
    void anAgentIsAliveFromWhenItsHeartbeatArrivesNotFromWhenItIsStored() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 200));
            p.advance(500);
            s.heartbeatArrived = p.now;
            p.advance(500);
            assertThat(row(p, s).status()).as("its heartbeat is still queued behind other work").isEqualTo(Store.Status.RUNNING);
            p.advance(100);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.GONE);
        }
    }

    @Test
    void anAgentWhoseStopArrivedIsNotGoneWhileTheStopWaitsForTheDatabase() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 200));
            s.stopArrived = true;
            p.advance(5000);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.RUNNING);
            p.send(s, Parts.stop(2));
            assertThat(row(p, s).status()).isEqualTo(Store.Status.STOPPED);
        }
    }

    @Test
    void aDisconnectedAgentHasThreeHeartbeatPeriodsToComeBack() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 100));
            p.protocol.closed(s, p.now);
            p.advance(300);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.RUNNING);
            AgentSession back = p.hello("a", s.run, "h", 1);
            p.advance(250);
            assertThat(row(p, back).status()).isEqualTo(Store.Status.RUNNING);
            p.protocol.closed(back, p.now);
            p.advance(301);
            assertThat(row(p, back).status()).isEqualTo(Store.Status.GONE);
            assertThat(row(p, back).statusReason()).contains("not back within 300 ms");
        }
    }

    @Test
    void aGoneAgentThatComesBackIsRunningAgain() {
        try (Parts p = new Parts(dir, 2)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 100));
            p.advance(400);
            assertThat(row(p, s).status()).isEqualTo(Store.Status.GONE);
            AgentSession back = p.hello("a", s.run, "h", 1);
            assertThat(row(p, back).status()).isEqualTo(Store.Status.RUNNING);
            assertThat(p.store.events(s.run)).extracting(Store.EventRow::type).contains("GONE", "RETURNED", "RECONNECTED");
        }
    }
}
