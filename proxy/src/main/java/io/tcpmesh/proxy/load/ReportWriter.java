package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a {@link LoadReport} as JSON, as one self-contained HTML page (inline SVG, no script), or as text. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    public static void writeJson(LoadReport report, Path file) throws IOException {
        JSON.writeValue(file.toFile(), report);
    }

    public static String json(LoadReport report) throws IOException {
        return JSON.writeValueAsString(report);
    }

    public static void writeHtml(LoadReport report, Path file) throws IOException {
        Files.writeString(file, html(report), StandardCharsets.UTF_8);
    }

    public static String html(LoadReport report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tcpmesh load report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f4f4f4}")
                .append("td.l,th.l{text-align:left}code{background:#f4f4f4;padding:2px 4px}</style></head><body>\n");
        h.append("<h1>tcpmesh load report</h1>\n<p>Started ").append(esc(report.startedAt())).append("</p>\n");
        h.append("<p><code>").append(esc(String.join(" ", report.command()))).append("</code></p>\n");
        h.append("<table>");
        for (Map.Entry<String, Object> e : report.settings().entrySet()) {
            h.append("<tr><th class=\"l\">").append(esc(e.getKey())).append("</th><td class=\"l\">")
                    .append(esc(String.valueOf(e.getValue()))).append("</td></tr>");
        }
        h.append("</table>\n<h2>Summary</h2>\n").append(summaryTable(report.runs()));
        h.append(targetTables(report.runs()));
        h.append("<h2>Over time</h2>\n").append(timelineCharts(report.runs()));
        if (report.sweep()) {
            h.append("<h2>Against connections</h2>\n").append(sweepCharts(report.runs()));
        }
        h.append("<p>Latency is measured from the intended send time in an open loop (--rate), from the actual send ")
                .append("time in a closed loop. Percentiles from HdrHistogram, 3 significant digits.</p>\n</body></html>\n");
        return h.toString();
    }

    /** One row per run; the error kinds in one cell (only those that happened), so the table fits 1280 px. */
    private static String summaryTable(List<LoadRun.Result> runs) {
        StringBuilder t = new StringBuilder("<table class=\"summary\"><tr><th>connections</th>");
        t.append(HEADERS).append("</tr>\n");
        for (LoadRun.Result r : runs) {
            t.append("<tr><td>").append(r.summary().connections()).append("</td>").append(cells(r.summary())).append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static final String HEADERS = "<th>seconds</th><th>requests</th><th>errors</th><th class=\"l\">errors by kind</th>"
            + "<th>req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th>"
            + "<th>MB sent</th><th>MB received</th><th>MB/s</th>";

    private static String cells(LoadStats.Summary s) {
        StringBuilder kinds = new StringBuilder();
        for (ErrorKind kind : ErrorKind.values()) {
            if (s.errors(kind) > 0) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(kind.label()).append(' ').append(s.errors(kind));
            }
        }
        return "<td>" + fmt(s.seconds()) + "</td><td>" + s.requests() + "</td><td>" + s.errors() + "</td><td class=\"l\">"
                + (kinds.length() == 0 ? "none" : esc(kinds.toString())) + "</td><td>" + fmt(s.requestsPerSecond())
                + "</td><td>" + fmt(s.p50()) + "</td><td>" + fmt(s.p90()) + "</td><td>" + fmt(s.p99()) + "</td><td>"
                + fmt(s.p999()) + "</td><td>" + fmt(s.max()) + "</td><td>" + fmt(s.bytesSent() / 1e6) + "</td><td>"
                + fmt(s.bytesReceived() / 1e6) + "</td><td>" + fmt(s.megabytesPerSecond()) + "</td>";
    }

    /** Per target (port), when a run loaded several. */
    private static String targetTables(List<LoadRun.Result> runs) {
        StringBuilder t = new StringBuilder();
        for (LoadRun.Result r : runs) {
            if (r.byTarget().isEmpty()) {
                continue;
            }
            t.append("<h3>Per target").append(runs.size() > 1 ? ", " + r.summary().connections() + " connections" : "")
                    .append("</h3>\n<table class=\"targets\"><tr><th class=\"l\">target</th>").append(HEADERS).append("</tr>\n");
            r.byTarget().forEach((target, s) -> t.append("<tr><td class=\"l\">").append(esc(target)).append("</td>")
                    .append(cells(s)).append("</tr>\n"));
            t.append("</table>\n");
        }
        return t.toString();
    }

    /**
     * Rate and latency over time. A run's last sample, shorter than a second (the drain), is left out: drawn, it
     * looks like a drop to 0. In a sweep each connection count's segment is marked with its boundary.
     */
    private static String timelineCharts(List<LoadRun.Result> runs) {
        List<LoadStats.Sample> all = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        List<double[]> marks = new ArrayList<>();
        double offset = 0;
        for (LoadRun.Result r : runs) {
            List<LoadStats.Sample> timeline = r.timeline();
            marks.add(new double[] {offset, r.summary().connections(), offset + r.summary().seconds()});
            for (int i = 0; i < timeline.size(); i++) {
                LoadStats.Sample s = timeline.get(i);
                if (i == timeline.size() - 1 && i > 0 && s.intervalSeconds() < 0.9) {
                    continue;
                }
                all.add(s);
                xs.add(offset + s.atSeconds());
            }
            offset += r.summary().seconds();
        }
        double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
        SvgChart rate = new SvgChart("Requests per second", "seconds", "req/s")
                .line("req/s", x, all.stream().mapToDouble(LoadStats.Sample::requestsPerSecond).toArray())
                .line("errors/s", x, all.stream().mapToDouble(LoadStats.Sample::errors).toArray());
        if (all.stream().anyMatch(s -> s.intendedPerSecond() > 0)) {
            rate.line("intended req/s", x, all.stream().mapToDouble(LoadStats.Sample::intendedPerSecond).toArray(), true);
        }
        SvgChart latency = new SvgChart("Latency percentiles per second (log scale)", "seconds", "ms").logY()
                .line("p50", x, all.stream().mapToDouble(LoadStats.Sample::p50).toArray())
                .line("p90", x, all.stream().mapToDouble(LoadStats.Sample::p90).toArray())
                .line("p99", x, all.stream().mapToDouble(LoadStats.Sample::p99).toArray())
                .line("p99.9", x, all.stream().mapToDouble(LoadStats.Sample::p999).toArray());
        if (runs.size() > 1) {
            for (double[] m : marks) {
                String label = (int) m[1] + " conn, " + SvgChart.number(Math.round(m[0])) + "-" + SvgChart.number(Math.round(m[2])) + " s";
                rate.mark(m[0], label);
                latency.mark(m[0], label);
            }
        }
        return rate.render() + latency.render();
    }

    private static String sweepCharts(List<LoadRun.Result> runs) {
        double[] x = runs.stream().mapToDouble(r -> r.summary().connections()).toArray();
        SvgChart rate = new SvgChart("Requests per second against connections", "connections", "req/s")
                .line("req/s", x, runs.stream().mapToDouble(r -> r.summary().requestsPerSecond()).toArray());
        SvgChart latency = new SvgChart("Latency against connections", "connections", "ms")
                .line("p50", x, runs.stream().mapToDouble(r -> r.summary().p50()).toArray())
                .line("p90", x, runs.stream().mapToDouble(r -> r.summary().p90()).toArray())
                .line("p99", x, runs.stream().mapToDouble(r -> r.summary().p99()).toArray())
                .line("p99.9", x, runs.stream().mapToDouble(r -> r.summary().p999()).toArray());
        return rate.render() + latency.render();
    }

    /** The final summary printed on standard output. */
    public static String text(LoadStats.Summary s) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "connections   %d%n", s.connections()));
        t.append(String.format(Locale.ROOT, "duration      %.2f s%n", s.seconds()));
        t.append(String.format(Locale.ROOT, "requests      %d ok of %d started%n", s.requests(), s.attempts()));
        StringBuilder kinds = new StringBuilder();
        for (ErrorKind kind : ErrorKind.values()) {
            kinds.append(kinds.length() == 0 ? "" : ", ").append(kind.label()).append(' ').append(s.errors(kind));
        }
        t.append(String.format(Locale.ROOT, "errors        %d (%s)%n", s.errors(), kinds));
        t.append(String.format(Locale.ROOT, "throughput    %.1f req/s, %.2f MB/s%n", s.requestsPerSecond(), s.megabytesPerSecond()));
        t.append(String.format(Locale.ROOT, "latency ms    p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f%n",
                s.p50(), s.p90(), s.p99(), s.p999(), s.max(), s.mean()));
        t.append(String.format(Locale.ROOT, "bytes         %d sent, %d received%n", s.bytesSent(), s.bytesReceived()));
        return t.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }

    private static String esc(String s) {
        return SvgChart.escape(s);
    }
}
