package io.tcpmesh.storage.report;

import io.tcpmesh.storage.report.RunReport.AgentReport;
import io.tcpmesh.storage.report.RunReport.Point;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** One self-contained HTML page: inline CSS and inline SVG charts, no script and no external asset. */
public final class HtmlReport {
    private static final int W = 560;
    private static final int H = 180;
    private static final int PAD = 40;

    private HtmlReport() {
    }

    public static String render(RunReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Storage run ")
                .append(esc(r.run())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#eee}")
                .append(".gone{color:#b00;font-weight:bold}svg{background:#fafafa;border:1px solid #ddd;margin:4px}")
                .append("</style></head><body>\n");
        b.append("<h1>Storage run ").append(esc(r.run())).append("</h1>\n<pre>")
                .append(esc(TextReport.render(r))).append("</pre>\n");
        b.append("<h2>Agents</h2>\n<table><tr><th>agent</th><th>status</th><th>runtime s</th><th>chunk</th><th>file</th>")
                .append("<th>bytes</th><th>files</th><th>rollovers</th><th>MB/s mean</th><th>min</th><th>max</th>")
                .append("<th>chunk p50 ms</th><th>p99 ms</th><th>CPU ms</th><th>heartbeats</th><th>missed</th></tr>\n");
        for (AgentReport a : r.agents()) {
            var c = a.chunkMicros();
            b.append("<tr><td>").append(esc(a.agent())).append("</td><td").append(a.gone() ? " class=\"gone\">GONE" : ">" + a.status())
                    .append("</td>").append(cells(a.runtimeMs() / 1000.0, TextReport.bytes(a.chunkSize()), TextReport.bytes(a.fileSize()),
                            a.bytes(), a.files(), a.rollovers(), a.meanMBps(), a.minMBps(), a.maxMBps(),
                            c == null ? "-" : c.p50() / 1e3, c == null ? "-" : c.p99() / 1e3, a.cpuMs(), a.heartbeats(),
                            a.heartbeatsMissed()))
                    .append("</tr>\n");
        }
        b.append("</table>\n");
        for (AgentReport a : r.agents()) {
            b.append("<h2>").append(esc(a.agent())).append("</h2>\n");
            b.append(chart("throughput MB/s", a.series(), Point::mbps, "#1f77b4"));
            b.append(chart("writer CPU % of a core", a.series(), Point::cpuPercent, "#d62728"));
            b.append('\n');
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String cells(Object... values) {
        StringBuilder b = new StringBuilder();
        for (Object v : values) {
            String text = v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(v);
            b.append("<td>").append(esc(text)).append("</td>");
        }
        return b.toString();
    }

    static String chart(String title, List<Point> points, ToDoubleFunction<Point> value, String colour) {
        double maxX = points.stream().mapToDouble(Point::seconds).max().orElse(1);
        double maxY = points.stream().mapToDouble(value).max().orElse(1);
        maxX = maxX <= 0 ? 1 : maxX;
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">", W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"12\">%s</text>", PAD, esc(title)));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", PAD, H - 20, W - 10, H - 20));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", PAD, PAD, H - 20));
        b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"30\" font-size=\"10\">%.1f</text>", maxY));
        b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\" font-size=\"10\">0</text>", H - 20));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%.1f s</text>", W - 50, H - 4, maxX));
        if (points.isEmpty()) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">no samples</text>", W / 2 - 30, H / 2));
        } else {
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"");
            for (Point p : points) {
                double x = PAD + (W - 10 - PAD) * p.seconds() / maxX;
                double y = (H - 20) - (H - 44) * value.applyAsDouble(p) / maxY;
                b.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append("\"/>");
        }
        b.append("</svg>");
        return b.toString();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
