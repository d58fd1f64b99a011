package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunsTest {
    @TempDir
    Path dir;

    @Test
    void agentsWithoutARunNameShareTheOpenRunAndANamedRunIsCreatedOnFirstUse() {
        try (Parts p = new Parts(dir, 0)) {
            RunState open = p.runs.join(null, 0, p.now);
            assertThat(open.id).matches("run-\\d{8}-\\d{6}");
            assertThat(p.runs.join(null, 0, p.now + 5)).isSameAs(open);
            RunState named = p.runs.join("nightly", 0, p.now);
            assertThat(named.id).isEqualTo("nightly");
            assertThat(p.store.runExists("nightly")).isTrue();
        }
    }

    @Test
    void aRunFinishesOnlyWithItsExpectedAgentsAllStoppedOrGone() {
        try (Parts p = new Parts(dir, 2)) {
            RunState run = p.runs.join(null, 0, p.now);
            run.agents.put("a", new AgentState("a", p.now));
            run.agent("a").status = Store.Status.STOPPED;
            p.runs.finishIfDone(run, p.now);
            assertThat(p.finished).as("one of two expected agents").isEmpty();
            run.agents.put("b", new AgentState("b", p.now));
            p.runs.finishIfDone(run, p.now);
            assertThat(p.finished).as("b is running").isEmpty();
            run.agent("b").status = Store.Status.GONE;
            p.runs.finishIfDone(run, p.now);
            assertThat(p.finished).containsExactly(run.id);
            assertThat(p.store.run(run.id).orElseThrow().closedAt()).isEqualTo(p.now);
            assertThat(p.runs.join(null, 0, p.now + 1000).id).as("a new open run").isNotEqualTo(run.id);
        }
    }

    @Test
    void aClashingRunIdGetsASuffix() {
        try (Parts p = new Parts(dir, 1)) {
            RunState first = p.runs.join(null, 0, p.now);
            first.agents.put("a", new AgentState("a", p.now));
            first.agent("a").status = Store.Status.STOPPED;
            p.runs.finishIfDone(first, p.now);
            assertThat(p.runs.join(null, 0, p.now).id).isEqualTo(first.id + "-2");
        }
    }

    @Test
    void theRunLeftOpenIsTakenUpWithItsAgents() {
        try (Parts p = new Parts(dir, 0)) {
            p.store.openRun("left-open", 10, 3);
            p.store.joinAgent("left-open", "a", "h", 1, 10);
            p.store.agentHeartbeatInterval("left-open", "a", 700);
            p.runs.resumeOpenRun(p.now);
            RunState run = p.runs.join(null, 0, p.now);
            assertThat(run.id).isEqualTo("left-open");
            assertThat(run.expected).isEqualTo(3);
            assertThat(run.agent("a").heartbeatMs).isEqualTo(700);
            assertThat(run.agent("a").disconnectedAt).isEqualTo(p.now);
        }
    }
}
