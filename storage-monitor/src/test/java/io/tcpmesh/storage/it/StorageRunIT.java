package io.tcpmesh.storage.it;

import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.storage.agent.Agent;
import io.tcpmesh.storage.collector.CollectorCommand;
import io.tcpmesh.storage.report.ReportBuilder;
import io.tcpmesh.storage.report.RunReport;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class StorageRunIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private static Agent.Result result(Future<Agent.Result> f) throws Exception {
        return f.get(Timing.seconds(40).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void threeAgentsWithDifferentChunkSizesStopCleanlyAndTheReportAgreesWithWhatTheyWrote() throws Exception {
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(3);
            List<Agent> agents = List.of(
                    f.create(f.agent("a16k", "3s", 16 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500)))),
                    f.create(f.agent("a64k", "3s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500)))),
                    f.create(f.agent("a128k", "3s", 128 << 10, 512 << 10, Timing.scaled(Duration.ofMillis(500)), 2)));
            List<Future<Agent.Result>> futures = agents.stream().map(f::run).toList();
            Map<String, Agent.Result> results = new java.util.HashMap<>();
            for (Future<Agent.Result> future : futures) {
                Agent.Result r = result(future);
                results.put(r.agent(), r);
            }
            String run = results.get("a16k").run();
            collector.awaitFinished(run);

            for (Agent.Result r : results.values()) {
                assertThat(r.stopReason()).isEqualTo("runtime over");
                assertThat(r.delivered()).as("everything acknowledged by " + r.agent()).isTrue();
                assertThat(r.rollovers()).as("rollovers of " + r.agent()).isGreaterThanOrEqualTo(2);
                assertThat(r.run()).isEqualTo(run);
            }
            try (Store store = Store.open(f.db)) {
                assertThat(store.agents(run)).extracting(Store.AgentRow::status).containsOnly(Store.Status.STOPPED);
                RunReport report = ReportBuilder.build(store, run);
                Map<String, RunReport.AgentReport> byId = report.agents().stream()
                        .collect(Collectors.toMap(RunReport.AgentReport::agent, Function.identity()));
                assertThat(byId).containsOnlyKeys("a16k", "a64k", "a128k");
                for (Agent.Result r : results.values()) {
                    RunReport.AgentReport a = byId.get(r.agent());
                    assertThat(a.bytes()).isEqualTo(r.bytes());
                    assertThat(a.files()).isEqualTo(r.files());
                    assertThat(a.rollovers()).isEqualTo(r.rollovers());
                    assertThat(a.chunks()).isEqualTo(r.chunks());
                    assertThat(a.gone()).isFalse();
                    assertThat(a.series()).isNotEmpty();
                    assertThat(a.heartbeats()).isPositive();
                    assertThat(a.chunkMicros().count()).isEqualTo(r.chunks());
                    List<Store.EventRow> mine = store.events(run).stream().filter(e -> r.agent().equals(e.agentId())).toList();
                    assertThat(mine.stream().filter(e -> e.type().equals("ROLLOVER")).count()).isEqualTo(r.rollovers());
                    assertContiguous(mine);
                }
                assertThat(report.totals().rollovers()).isEqualTo(results.values().stream().mapToLong(Agent.Result::rollovers).sum());
                assertThat(report.totals().stopped()).isEqualTo(3);
                assertThat(byId.get("a128k").writers()).isEqualTo(2);
                assertThat(store.events(run).stream().filter(e -> "a128k".equals(e.agentId()) && e.type().equals("ROLLOVER"))
                        .map(e -> e.body().contains("\"writer\":1"))).as("both writers rolled over").contains(true, false);
            }
            String text = Files.readString(f.reports.resolve(run + ".txt"));
            assertThat(text).contains("a16k", "a64k", "a128k", "3 stopped, 0 gone");
            String html = Files.readString(f.reports.resolve(run + ".html"));
            assertThat(html).contains("<svg", "<polyline", "a128k").doesNotContain("<script", "src=", "<link", "url(");
            assertThat(Files.readString(f.reports.resolve(run + ".json"))).contains("\"run\" : \"" + run + "\"");

            assertThat(captured(() -> ServiceLauncher.execute(new CollectorCommand(), "runs", "--db", f.db.toString()))).contains(run);
            Path page = dir.resolve("again.html");
            assertThat(ServiceLauncher.execute(new CollectorCommand(), "report", run, "--db", f.db.toString(), "--html", page.toString()))
                    .isZero();
            assertThat(Files.readString(page)).isEqualTo(html);
        }
    }

    @Test
    void agentKilledMidRunIsReportedGone() throws Exception {
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(2);
            Agent steady = f.create(f.agent("steady", "3s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500))));
            Agent victim = f.create(f.agent("victim", "30s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500))));
            Future<Agent.Result> steadyRun = f.run(steady);
            Future<Agent.Result> victimRun = f.run(victim);
            Timing.await("victim's rollovers stored", Duration.ofSeconds(15), () -> rollovers(f, victim.runId(), "victim") >= 2);
            victim.kill();
            assertThat(result(victimRun).stopReason()).isEqualTo("killed");
            Agent.Result r = result(steadyRun);
            collector.awaitFinished(r.run());
            try (Store store = Store.open(f.db)) {
                Map<String, Store.AgentRow> rows = store.agents(r.run()).stream()
                        .collect(Collectors.toMap(Store.AgentRow::agentId, Function.identity()));
                assertThat(rows.get("victim").status()).isEqualTo(Store.Status.GONE);
                assertThat(rows.get("victim").statusReason()).contains("connection lost before STOP");
                assertThat(rows.get("steady").status()).isEqualTo(Store.Status.STOPPED);
                RunReport report = ReportBuilder.build(store, r.run());
                assertThat(report.totals().gone()).isEqualTo(1);
                assertThat(report.agents()).filteredOn(RunReport.AgentReport::gone).extracting(RunReport.AgentReport::agent)
                        .containsExactly("victim");
            }
            assertThat(Files.readString(f.reports.resolve(r.run() + ".txt"))).contains("Agent victim", "GONE", "1 stopped, 1 gone");
        }
    }

    @Test
    void collectorRestartedMidRunLosesNothing() throws Exception {
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started first = f.collector(2);
            Agent a = f.create(f.agent("r1", "5s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofSeconds(1))));
            Agent b = f.create(f.agent("r2", "5s", 32 << 10, 256 << 10, Timing.scaled(Duration.ofSeconds(1))));
            Future<Agent.Result> ra = f.run(a);
            Future<Agent.Result> rb = f.run(b);
            Timing.await("rollovers stored by the first collector", Duration.ofSeconds(15),
                    () -> rollovers(f, a.runId(), "r1") >= 1 && rollovers(f, b.runId(), "r2") >= 1);
            first.service().close();
            Timing.await("agents notice the collector is gone", Duration.ofSeconds(10), () -> !a.connected() && !b.connected());
            StorageFixture.Started second = f.collector(2);
            Agent.Result resultA = result(ra);
            Agent.Result resultB = result(rb);
            second.awaitFinished(resultA.run());
            assertThat(resultB.run()).isEqualTo(resultA.run());
            try (Store store = Store.open(f.db)) {
                assertThat(store.agents(resultA.run())).extracting(Store.AgentRow::status).containsOnly(Store.Status.STOPPED);
                assertThat(store.events(resultA.run())).extracting(Store.EventRow::type)
                        .as("the agents rode out the restart").doesNotContain("GONE", "ERROR");
                RunReport report = ReportBuilder.build(store, resultA.run());
                assertThat(report.collectorAway()).singleElement().satisfies(away -> {
                    assertThat(away.clean()).isTrue();
                    assertThat(away.millis()).isPositive();
                });
                for (Agent.Result r : List.of(resultA, resultB)) {
                    assertThat(r.delivered()).isTrue();
                    assertThat(r.connections()).as("connections of " + r.agent()).isGreaterThanOrEqualTo(2);
                    assertThat(r.droppedSamples()).isZero();
                    List<Store.EventRow> mine = store.events(r.run()).stream().filter(e -> r.agent().equals(e.agentId())).toList();
                    assertContiguous(mine);
                    assertThat(mine.stream().filter(e -> e.type().equals("ROLLOVER")).count()).isEqualTo(r.rollovers());
                    RunReport.AgentReport ar = report.agents().stream().filter(x -> x.agent().equals(r.agent())).findFirst().orElseThrow();
                    assertThat(ar.bytes()).isEqualTo(r.bytes());
                    assertThat(ar.gone()).isFalse();
                }
            }
        }
    }

    /** Every sequence number from 1 to the last is stored exactly once: nothing lost, nothing twice. */
    private static void assertContiguous(List<Store.EventRow> events) {
        List<Long> seqs = events.stream().map(Store.EventRow::seq).filter(s -> s != null).sorted().toList();
        assertThat(seqs).isNotEmpty();
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.get(seqs.size() - 1)).boxed().toList());
        assertThat(events.stream().filter(e -> e.seq() != null).map(Store.EventRow::type)).contains("START", "STOP");
    }

    private static long rollovers(StorageFixture f, String run, String agent) {
        if (run == null || !Files.exists(f.db)) {
            return 0;
        }
        try (Store store = Store.open(f.db)) {
            return store.events(run).stream().filter(e -> agent.equals(e.agentId()) && e.type().equals("ROLLOVER")).count();
        }
    }

    private static String captured(java.util.function.IntSupplier command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(command.getAsInt()).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
