package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {

    private static LoadRun.Result run(int connections, int requests) {
        LoadStats stats = new LoadStats();
        for (int second = 1; second <= 3; second++) {
            for (int i = 0; i < requests; i++) {
                stats.attempt();
                stats.ok((i % 100 + 1) * 10_000L * connections);
            }
            stats.error(ErrorKind.TIMEOUT);
            stats.sent(64L * requests);
            stats.received(64L * requests);
            stats.sample(second, 1, connections);
        }
        return new LoadRun.Result(stats.summary(3, connections), stats.timeline());
    }

    private static LoadReport report(LoadRun.Result... runs) {
        return new LoadReport("tcpmesh load", "2026-01-01T00:00:00Z", List.of("-c", "10", "127.0.0.1:8000"),
                Map.of("mode", "echo"), List.of(runs));
    }

    @Test
    void jsonParsesBackWithTheSummaryAndTimeline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        ReportWriter.writeJson(report(run(10, 500)), file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode summary = root.path("runs").get(0).path("summary");
        assertThat(summary.path("requests").asLong()).isEqualTo(1500);
        assertThat(summary.path("errors").asLong()).isEqualTo(3);
        assertThat(summary.path("errorsByKind").path("timeout").asLong()).isEqualTo(3);
        assertThat(summary.path("requestsPerSecond").asDouble()).isEqualTo(500.0);
        assertThat(summary.path("p99").asDouble()).isGreaterThan(summary.path("p50").asDouble());
        assertThat(root.path("runs").get(0).path("timeline")).hasSize(3);
        assertThat(root.path("command").get(2).asText()).isEqualTo("127.0.0.1:8000");
    }

    @Test
    void htmlIsOneSelfContainedPageWithCharts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.html");
        ReportWriter.writeHtml(report(run(10, 500)), file);
        String html = Files.readString(file);
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).doesNotContainPattern(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE));
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script");
        assertThat(count(html, "<svg")).isEqualTo(2);
        assertThat(html).contains("Requests per second").contains("p99.9").contains("<polyline");
        assertThat(html).doesNotContain("Against connections");
    }

    @Test
    void aSweepAddsChartsAgainstConnections() {
        String html = ReportWriter.html(report(run(10, 500), run(50, 900), run(100, 1000)));
        assertThat(count(html, "<svg")).isEqualTo(4);
        assertThat(html).contains("Requests per second against connections").contains("Latency against connections");
    }

    @Test
    void latencyIsOnALogScaleAndSweepSegmentsAreMarked() {
        String html = ReportWriter.html(report(run(10, 500), run(50, 900)));
        assertThat(html).contains("Latency percentiles per second (log scale)");
        assertThat(count(html, "class=\"mark\"")).as("one boundary per segment, on both timeline charts").isEqualTo(4);
        assertThat(html).contains("10 conn, 0-3 s").contains("50 conn, 3-6 s");
    }

    @Test
    void theLastPartialSecondIsNotDrawn() {
        LoadStats stats = new LoadStats();
        for (int second = 1; second <= 3; second++) {
            stats.ok(1_000_000);
            stats.sample(second, 1, 1);
        }
        stats.sample(3.2, 0.2, 1);
        LoadRun.Result r = new LoadRun.Result(stats.summary(3.2, 1), stats.timeline());
        assertThat(r.timeline()).hasSize(4);
        String html = ReportWriter.html(report(r));
        String rateChart = html.substring(html.indexOf("Requests per second"), html.indexOf("</svg>"));
        assertThat(count(rateChart, "<circle")).as("req/s and errors/s, three points each").isEqualTo(6);
    }

    @Test
    void anOpenLoopDrawsTheIntendedRateBesideTheAchievedOne() {
        LoadStats stats = new LoadStats();
        for (int second = 1; second <= 3; second++) {
            stats.ok(1_000_000);
            stats.sample(second, 1, 1, 100.0 * second);
        }
        String html = ReportWriter.html(report(new LoadRun.Result(stats.summary(3, 1), stats.timeline())));
        assertThat(html).contains("intended req/s").contains("stroke-dasharray=\"6 4\"");
        assertThat(ReportWriter.html(report(run(10, 500)))).doesNotContain("intended req/s");
    }

    @Test
    void severalTargetsGetAPerTargetTableAndTheSummaryStaysNarrow() {
        LoadStats stats = new LoadStats();
        LoadTarget a = new LoadTarget("127.0.0.1", 7000);
        LoadTarget b = new LoadTarget("127.0.0.1", 8000);
        stats.forTarget(a).ok(1_000_000);
        stats.forTarget(b).ok(2_000_000);
        stats.forTarget(b).error(ErrorKind.values()[0]);
        stats.sample(1, 1, 2);
        LoadRun.Result r = new LoadRun.Result(stats.summary(1, 2), stats.timeline(), stats.targetSummaries(List.of(a, b), 1, 1));
        assertThat(r.summary().requests()).isEqualTo(2);
        assertThat(r.byTarget().get("127.0.0.1:8000").errors()).isEqualTo(1);
        String html = ReportWriter.html(report(r));
        assertThat(html).contains("Per target").contains("<td class=\"l\">127.0.0.1:7000</td>").contains("<td class=\"l\">127.0.0.1:8000</td>");
        String summary = html.substring(html.indexOf("<table class=\"summary\">"), html.indexOf("</table>", html.indexOf("<table class=\"summary\">")));
        assertThat(summary.split("</th>", -1).length - 1).as("summary columns").isLessThanOrEqualTo(14);
    }

    @Test
    void textIsEscaped() {
        LoadReport report = new LoadReport("t", "now", List.of("--message", "<b>&"), Map.of(), List.of(run(1, 10)));
        assertThat(ReportWriter.html(report)).contains("&lt;b&gt;&amp;").doesNotContain("<b>&");
    }

    @Test
    void textSummaryNamesEveryFigure() {
        String text = ReportWriter.text(run(10, 500).summary());
        for (String word : List.of("requests", "refused", "reset", "timeout 3", "wrong reply", "req/s", "p50", "p90",
                "p99", "p99.9", "max", "bytes")) {
            assertThat(text).contains(word);
        }
    }

    private static int count(String s, String part) {
        List<Integer> at = new ArrayList<>();
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            at.add(i);
        }
        return at.size();
    }
}
