package io.tcpmesh.storage.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.protocol.MessageCodec;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    @TempDir
    Path dir;
    private Store store;
    private static final long T0 = 1_700_000_000_000L;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("db.sqlite"));
        store.openRun("r1", T0, 1);
        store.joinAgent("r1", "a1", "host", 42, T0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void add(Message.Sequenced m) {
        store.insertMessage("r1", "a1", m, m.at());
    }

    @Test
    void resentMessageIsStoredOnce() {
        Message.Rollover r = new Message.Rollover(1, T0, 0, 0, "f0", 100, 1, 5);
        assertThat(store.insertMessage("r1", "a1", r, T0)).isEqualTo(Store.Stored.NEW);
        assertThat(store.insertMessage("r1", "a1", r, T0 + 10)).isEqualTo(Store.Stored.DUPLICATE);
        assertThat(store.events("r1")).hasSize(1);
    }

    @Test
    void reportSumsUpTheAgentFromTheDatabase() throws Exception {
        add(new Message.Start(1, T0, 1 << 20, 4 << 20, 1, 4000, 1000, 1000, "/d", 1e8));
        add(new Message.Monitor(2, T0 + 1000, 1000, 2_000_000, 2_000_000, 100, 100, 10, 100, 50, 0));
        add(new Message.Heartbeat(3, T0 + 1000, List.of(new Message.ThreadStatus("writer-0", true, true)), 0));
        add(new Message.Rollover(4, T0 + 1500, 0, 0, "a1-w0-0.dat", 4 << 20, 4, 1500));
        add(new Message.Monitor(5, T0 + 2000, 1000, 6_000_000, 8_000_000, 300, 400, 20, 100, 60, 0));
        // heartbeats at 2 s and 3 s never came: the gap from 1 s to the end at 4 s misses two
        add(new Message.Rollover(6, T0 + 3000, 0, 1, "a1-w0-1.dat", 4 << 20, 4, 1500));
        add(new Message.Stop(7, T0 + 4000, "runtime over", 4000, 9 << 20, 3, 2, 9,
                new Message.ChunkStats(9, 100, 200, 150, 300, 900, 1000), 450, 0));
        store.agentStatus("r1", "a1", Store.Status.STOPPED, "runtime over", T0 + 4000);
        store.closeRun("r1", T0 + 4001);

        RunReport report = ReportBuilder.build(store, "r1");
        RunReport.AgentReport a = report.agents().get(0);
        assertThat(a.bytes()).isEqualTo(9 << 20);
        assertThat(a.rollovers()).isEqualTo(2);
        assertThat(a.files()).isEqualTo(3);
        assertThat(a.runtimeMs()).isEqualTo(4000);
        assertThat(a.minMBps()).isEqualTo(2.0);
        assertThat(a.maxMBps()).isEqualTo(6.0);
        assertThat(a.maxCpuPercent()).isEqualTo(30.0);
        assertThat(a.heartbeats()).isEqualTo(1);
        assertThat(a.heartbeatsMissed()).isEqualTo(2);
        assertThat(a.maxHeapUsed()).isEqualTo(20);
        assertThat(a.series()).extracting(RunReport.Point::seconds).containsExactly(1.0, 2.0);
        assertThat(report.totals().stopped()).isEqualTo(1);

        String text = TextReport.render(report);
        assertThat(text).contains("Agent a1", "3 file(s), 2 rollover(s)", "heartbeats received 1, missed 2", "p50 0.15");
        String html = HtmlReport.render(report);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "<polyline").doesNotContain("<script", "src=", "<link");
        JsonNode json = MessageCodec.json().readTree(ReportBuilder.json(report));
        assertThat(json.at("/agents/0/rollovers").asLong()).isEqualTo(2);
        assertThat(json.at("/totals/bytes").asLong()).isEqualTo(9 << 20);
    }

    @Test
    void goneAgentWithoutStopIsReportedFromItsLastSample() {
        add(new Message.Start(1, T0, 1 << 20, 4 << 20, 1, 60_000, 1000, 1000, "/d", 1e8));
        add(new Message.Monitor(2, T0 + 1000, 1000, 3_000_000, 3_000_000, 10, 10, 1, 1, 1, 0));
        store.agentStatus("r1", "a1", Store.Status.GONE, "3 heartbeats missed", T0 + 4000);
        RunReport.AgentReport a = ReportBuilder.build(store, "r1").agents().get(0);
        assertThat(a.gone()).isTrue();
        assertThat(a.bytes()).isEqualTo(3_000_000);
        assertThat(a.runtimeMs()).isEqualTo(4000);
        assertThat(TextReport.render(ReportBuilder.build(store, "r1"))).contains("GONE - 3 heartbeats missed");
    }

    @Test
    void htmlDrawsEveryAgentOnSharedChartsWithTicksAndUnits() {
        add(new Message.Start(1, T0, 1 << 20, 4 << 20, 1, 4000, 1000, 1000, "/d", 1e8));
        add(new Message.Monitor(2, T0 + 1000, 1000, 2_000_000, 2_000_000, 100, 100, 10, 100, 50, 0));
        add(new Message.Monitor(3, T0 + 2000, 1000, 6_000_000, 8_000_000, 300, 400, 20, 100, 50, 0));
        store.joinAgent("r1", "b2", "host", 43, T0);
        Message.Start big = new Message.Start(1, T0, 16 << 20, 64 << 20, 2, 4000, 1000, 1000, "/d", 1e8);
        store.insertMessage("r1", "b2", big, T0);
        store.insertMessage("r1", "b2", new Message.Monitor(2, T0 + 1500, 1500, 30_000_000, 30_000_000, 150, 150, 1, 1, 1, 0), T0);

        String html = HtmlReport.render(ReportBuilder.build(store, "r1"));
        assertThat(html).contains("Throughput per monitor interval", "Writer threads' CPU per monitor interval",
                "Mean throughput per agent", "seconds since the agent's START", "MB/s (10^6 bytes/s)", "CPU, % of one core");
        assertThat(html.split("<polyline", -1)).as("one line per agent in each of the two shared charts").hasSize(1 + 2 * 2);
        assertThat(html).contains(">a1 (chunk 1.0 MiB, 1 writer)<", ">b2 (chunk 16.0 MiB, 2 writers)<");
        assertThat(html.indexOf(">a1 (chunk")).as("small chunks first").isLessThan(html.indexOf(">b2 (chunk"));
        // x ticks 0..2 s in steps of 0.2, y ticks in round steps up to 20 MB/s (b2: 30e6 B in 1.5 s)
        assertThat(html).contains(">0.2</text>", ">2.0</text>", ">20</text>");
        assertThat(html).doesNotContain("<script", "src=", "<link", "url(");
    }

    @Test
    void ticksAreRoundStepsFromZeroPastTheData() {
        assertThat(Ticks.upTo(83.1, 5).values()).containsExactly(0.0, 20.0, 40.0, 60.0, 80.0, 100.0);
        assertThat(Ticks.upTo(14.5, 10).values()).containsExactly(0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0);
        Ticks small = Ticks.upTo(0.9, 5);
        assertThat(small.step()).isEqualTo(0.2);
        assertThat(small.label(0.4)).isEqualTo("0.4");
        Ticks none = Ticks.upTo(0, 5);
        assertThat(none.values().stream().map(none::label)).as("no data: 0 to 1").containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
    }

    @Test
    void htmlEscapesWhatAgentsSend() {
        store.joinAgent("r1", "x", "<script>alert(1)</script>", 1, T0);
        assertThat(HtmlReport.render(ReportBuilder.build(store, "r1"))).doesNotContain("<script>").contains("&lt;script&gt;");
    }
}
