package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.report.ReportBuilder;
import io.tcpmesh.storage.report.RunReport;
import io.tcpmesh.storage.report.TextReport;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of issue 12 for the collector, one test each, driven without sockets. */
class CollectorRulesTest {
    @TempDir
    Path dir;

    private static FakeConnection conn(AgentSession s) {
        return (FakeConnection) s.connection;
    }

    private static String error(AgentSession s) {
        assertThat(conn(s).last()).as("last message to " + s.who()).isInstanceOf(Message.Error.class);
        assertThat(conn(s).closedAfterSending).isTrue();
        return ((Message.Error) conn(s).last()).message();
    }

    private static Store.AgentRow row(Parts p, String run, String agent) {
        return p.store.agents(run).stream().filter(a -> a.agentId().equals(agent)).findFirst().orElseThrow();
    }

    @Test
    void helloNamingAFinishedRunIsRefusedAndChangesNothing() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 1000));
            p.send(s, Parts.stop(2));
            assertThat(p.finished).containsExactly(s.run);
            AgentSession late = p.hello("b", s.run, "h", 2);
            assertThat(error(late)).isEqualTo("run " + s.run + " is finished");
            AgentSession again = p.hello("a", s.run, "h", 1);
            assertThat(error(again)).isEqualTo("run " + s.run + " is finished");
            assertThat(p.store.agents(s.run)).singleElement().extracting(Store.AgentRow::status).isEqualTo(Store.Status.STOPPED);
            assertThat(p.store.run(s.run).orElseThrow().closedAt()).isNotNull();
        }
    }

    @Test
    void theHelloThatOpensARunMayRaiseHowManyAgentsItWaitsFor() {
        try (Parts p = new Parts(dir, 0)) {
            AgentSession first = p.connect(new FakeConnection());
            p.send(first, new Message.Hello("a", "e2e", "h", 1, 2));
            p.send(first, Parts.start(1, 1000));
            p.send(first, Parts.stop(2));
            assertThat(p.finished).as("one of the two agents the run waits for").isEmpty();
            AgentSession second = p.hello("b", "e2e", "h", 2);
            assertThat(conn(second).last()).isInstanceOf(Message.Welcome.class);
            p.send(second, Parts.start(1, 1000));
            p.send(second, Parts.stop(2));
            assertThat(p.finished).containsExactly("e2e");
            assertThat(p.store.run("e2e").orElseThrow().expected()).isEqualTo(2);
        }
    }

    @Test
    void helloNamingARunFinishedBeforeThisCollectorStartedIsRefused() {
        try (Parts p = new Parts(dir, 1)) {
            p.store.openRun("old", 10, 1);
            p.store.closeRun("old", 20);
            AgentSession s = p.hello("a", "old", "h", 1);
            assertThat(error(s)).isEqualTo("run old is finished");
            assertThat(p.store.agents("old")).isEmpty();
        }
    }

    @Test
    void anAgentIdConnectedFromAnotherProcessIsRefusedAndTheConnectedOneGoesOn() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession first = p.hello("a", null, "host-1", 100);
            p.send(first, Parts.start(1, 1000));
            AgentSession otherPid = p.hello("a", first.run, "host-1", 200);
            assertThat(error(otherPid)).isEqualTo("agent id a is already connected from host-1 (pid 100)");
            AgentSession otherHost = p.hello("a", first.run, "host-2", 100);
            assertThat(error(otherHost)).contains("already connected");
            AgentSession withoutRun = p.hello("a", null, "host-3", 1);
            assertThat(error(withoutRun)).contains("already connected");

            assertThat(conn(first).closed()).isFalse();
            p.send(first, Parts.heartbeat(2));
            assertThat(conn(first).last()).isEqualTo(new Message.Ack(2));
            assertThat(row(p, first.run, "a").status()).isEqualTo(Store.Status.RUNNING);
            assertThat(row(p, first.run, "a").pid()).isEqualTo(100);
        }
    }

    @Test
    void theSameProcessReconnectingTakesOverAtOnce() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession halfOpen = p.hello("a", null, "host-1", 100);
            AgentSession again = p.hello("a", halfOpen.run, "host-1", 100);
            assertThat(conn(again).last()).isInstanceOf(Message.Welcome.class);
            assertThat(conn(halfOpen).closed()).isTrue();
            p.send(halfOpen, Parts.heartbeat(1));
            assertThat(conn(halfOpen).sent).as("the replaced connection is not served").noneMatch(m -> m instanceof Message.Ack);
        }
    }

    @Test
    void aResendWithADifferentBodyIsRefusedAndTheStoredOneKept() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 1000));
            p.send(s, Parts.heartbeat(2));
            p.send(s, Parts.heartbeat(2));
            assertThat(conn(s).last()).isEqualTo(new Message.Ack(2));
            p.send(s, new Message.Heartbeat(2, 99, List.of(), 0));
            assertThat(error(s)).isEqualTo("seq 2 is already stored with a different body");
            assertThat(p.store.events(s.run)).filteredOn(e -> Long.valueOf(2).equals(e.seq())).singleElement()
                    .extracting(Store.EventRow::at).isEqualTo(2L);
        }
    }

    @Test
    void theGraceOfATakenUpRunCountsFromWhenTheCollectorServes() {
        try (Parts p = new Parts(dir, 1)) {
            p.store.openRun("left-open", 10, 1);
            p.store.joinAgent("left-open", "a", "h", 1, 10);
            p.store.agentHeartbeatInterval("left-open", "a", 1000);
            p.runs.resumeOpenRun(p.now);
            p.now += 5000;
            p.runs.serving(p.now);
            p.advance(2999);
            assertThat(row(p, "left-open", "a").status()).as("grace of 3 s from serving").isEqualTo(Store.Status.RUNNING);
            AgentSession back = p.hello("a", "left-open", "h", 1);
            assertThat(conn(back).last()).isInstanceOf(Message.Welcome.class);
            assertThat(p.store.events("left-open")).extracting(Store.EventRow::type).doesNotContain("GONE");
            assertThat(ReportBuilder.build(p.store, "left-open").collectorAway()).singleElement().satisfies(away -> {
                assertThat(away.clean()).as("no clean stop was recorded").isFalse();
                assertThat(away.to()).isEqualTo(1_005_000);
            });
        }
    }

    @Test
    void theReportSaysWhenTheCollectorWasAwayAfterACleanStop() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 1000));
            p.runs.stopping(p.now);
            long stoppedAt = p.now;
            Runs next = new Runs(p.node, p.store, 1, run -> { });
            next.resumeOpenRun(p.now + 7000);
            next.serving(p.now + 9000);
            RunReport.CollectorAway away = ReportBuilder.build(p.store, s.run).collectorAway().get(0);
            assertThat(away).isEqualTo(new RunReport.CollectorAway(stoppedAt, stoppedAt + 9000, true));
            assertThat(TextReport.render(ReportBuilder.build(p.store, s.run))).contains("collector away from", "(9.0 s; it stopped cleanly)");
        }
    }

    @Test
    void aSilentAgentIsToldWhyBeforeItIsClosed() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, Parts.start(1, 100));
            p.advance(301);
            assertThat(error(s)).startsWith("gone: 3 heartbeats missed");
            assertThat(conn(s).closedNow).isFalse();
        }
    }

    @Test
    void peerSuppliedTextCannotForgeALogLine() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Parts p = new Parts(dir, 1)) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            AgentSession bad = p.hello("x\n2026-01-01 [main] [INFO] forged\u0000", null, "h", 1);
            AgentSession s = p.hello("a", null, "h\nforged-host", 1);
            p.send(s, new Message.Start(1, 1, 1024, 4096, 1, 60_000, 1000, 1000, "/d\n2026-01-01 [main] [INFO] forged", 1e6));
            p.send(s, new Message.Rollover(2, 1, 0, 1, "f\r\nforged", 1, 1, 1));
            p.send(s, new Message.Heartbeat(3, 1, List.of(new Message.ThreadStatus("w\nforged", true, true)), 0));
            p.send(s, new Message.Stop(4, 3, "done\nforged\u0000", 1000, 4096, 1, 0, 4, new Message.ChunkStats(4, 1, 2, 2, 3, 3, 3), 5, 0));
            assertThat(conn(bad).last()).isInstanceOf(Message.Error.class);
        } finally {
            System.setErr(old);
        }
        String logged = err.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("forged");
        assertThat(logged.lines()).noneMatch(l -> l.startsWith("forged") || l.startsWith("2026-01-01") || l.startsWith("\n"));
        assertThat(logged).doesNotContain("\u0000").doesNotContain("\r");
    }
}
