package io.tcpmesh.storage.report;

import io.tcpmesh.storage.report.RunReport.AgentReport;
import io.tcpmesh.storage.report.RunReport.Point;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** One self-contained HTML page: inline CSS and inline SVG charts, no script and no external asset. */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(RunReport r) {
        List<AgentReport> agents = byChunkSize(r.agents());
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Storage run ")
                .append(esc(r.run())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222;max-width:1200px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#eee}td:first-child{text-align:left}")
                .append(".gone{color:#b00;font-weight:bold}svg{background:#fff;border:1px solid #ddd;margin:4px 0;max-width:100%;height:auto}")
                .append(".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}")
                .append(".legend span.item{margin-right:18px;white-space:nowrap}p.note{color:#555;font-size:90%}")
                .append("</style></head><body>\n");
        b.append("<h1>Storage run ").append(esc(r.run())).append("</h1>\n");
        charts(b, agents);
        table(b, agents);
        b.append("<h2>Summary</h2>\n<pre>").append(esc(TextReport.render(r))).append("</pre>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    /** The agents' throughput and CPU on shared axes, one colour per agent, so chunk sizes compare at a glance. */
    private static void charts(StringBuilder b, List<AgentReport> agents) {
        b.append("<h2>Throughput and CPU, all agents</h2>\n<div class=\"legend\">");
        for (int i = 0; i < agents.size(); i++) {
            b.append("<span class=\"item\"><span class=\"swatch\" style=\"background:").append(LineChart.colour(i))
                    .append("\"></span>").append(esc(name(agents.get(i)))).append("</span>");
        }
        b.append("</div>\n");
        b.append(BarChart.render("Mean throughput per agent", "MB/s (10^6 bytes per second, bytes / runtime)",
                bars(agents))).append('\n');
        b.append(LineChart.render("Throughput per monitor interval", "seconds since the agent's START", "MB/s (10^6 bytes/s)",
                series(agents, Point::mbps))).append('\n');
        b.append(LineChart.render("Writer threads' CPU per monitor interval", "seconds since the agent's START", "CPU, % of one core",
                series(agents, Point::cpuPercent))).append('\n');
        b.append("<p class=\"note\">Each point is one MONITOR sample: what the agent's writers wrote and the CPU time they "
                + "used in that interval, at the end of the interval.</p>\n");
    }

    private static String name(AgentReport a) {
        return a.agent() + " (chunk " + TextReport.bytes(a.chunkSize()) + ", " + a.writers() + " writer" + (a.writers() == 1 ? "" : "s") + ")";
    }

    private static List<BarChart.Bar> bars(List<AgentReport> agents) {
        List<BarChart.Bar> bars = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            bars.add(new BarChart.Bar(name(agents.get(i)), agents.get(i).meanMBps(), LineChart.colour(i)));
        }
        return bars;
    }

    private static List<LineChart.Series> series(List<AgentReport> agents, ToDoubleFunction<Point> value) {
        return agents.stream().map(a -> new LineChart.Series(name(a),
                a.series().stream().map(p -> new double[] {p.seconds(), value.applyAsDouble(p)}).toList())).toList();
    }

    /** Agents in the order of their chunk sizes, so the bars and the legend read from small chunks to large. */
    private static List<AgentReport> byChunkSize(List<AgentReport> agents) {
        return agents.stream().sorted(Comparator.comparingLong(AgentReport::chunkSize).thenComparing(AgentReport::agent)).toList();
    }

    private static void table(StringBuilder b, List<AgentReport> agents) {
        b.append("<h2>Agents</h2>\n<table><tr><th>agent</th><th>status</th><th>runtime s</th><th>chunk</th><th>file</th>")
                .append("<th>writers</th><th>bytes</th><th>files</th><th>rollovers</th><th>MB/s mean</th><th>min</th><th>max</th>")
                .append("<th>chunk p50 ms</th><th>p99 ms</th><th>CPU ms</th><th>CPU % mean</th><th>heartbeats</th><th>missed</th></tr>\n");
        for (int i = 0; i < agents.size(); i++) {
            AgentReport a = agents.get(i);
            var c = a.chunkMicros();
            b.append("<tr><td><span class=\"swatch\" style=\"background:").append(LineChart.colour(i)).append("\"></span>")
                    .append(esc(a.agent())).append("</td><td").append(a.gone() ? " class=\"gone\">GONE" : ">" + esc(a.status()))
                    .append("</td>").append(cells(a.runtimeMs() / 1000.0, TextReport.bytes(a.chunkSize()), TextReport.bytes(a.fileSize()),
                            a.writers(), a.bytes(), a.files(), a.rollovers(), a.meanMBps(), a.minMBps(), a.maxMBps(),
                            c == null ? "-" : c.p50() / 1e3, c == null ? "-" : c.p99() / 1e3, a.cpuMs(), a.meanCpuPercent(),
                            a.heartbeats(), a.heartbeatsMissed()))
                    .append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static String cells(Object... values) {
        StringBuilder b = new StringBuilder();
        for (Object v : values) {
            String text = v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(v);
            b.append("<td>").append(esc(text)).append("</td>");
        }
        return b.toString();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
