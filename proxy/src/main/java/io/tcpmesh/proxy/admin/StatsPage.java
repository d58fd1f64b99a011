package io.tcpmesh.proxy.admin;

import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.TargetStats;
import io.tcpmesh.proxy.tls.TlsAppStats;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The HTML stats page, in the spirit of HAProxy's: one table per app, one row per target; refreshes itself. */
final class StatsPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private StatsPage() {
    }

    static String render(ProxyStatus status, StatsRates rates) {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
                .append("<title>tcpmesh proxy ").append(esc(status.node())).append("</title><style>")
                .append("body{font-family:monospace;font-size:13px}table{border-collapse:collapse;margin-bottom:1em}")
                .append("th,td{border:1px solid #999;padding:2px 6px;text-align:right}th{background:#ccd}")
                .append("td.l{text-align:left}tr.up{background:#c0f0c0}tr.down{background:#f0c0c0}tr.gone{background:#ddd}")
                .append("caption{text-align:left;font-weight:bold;background:#88a;color:#fff;padding:2px 6px}</style></head><body>");
        h.append("<h2>tcpmesh proxy ").append(esc(status.node())).append("</h2><p>")
                .append(status.draining() ? "<b>draining</b>" : "running")
                .append(" &middot; open connections ").append(status.activeConnections())
                .append(" (global cap ").append(status.maxConnections()).append(", refused ")
                .append(status.rejectedConnections()).append(") &middot; queued bytes ").append(status.queuedBytes())
                .append(" &middot; configuration from ").append(esc(status.reloads().source()))
                .append(" &middot; reloads ok ").append(status.reloads().succeeded())
                .append(", failed ").append(status.reloads().failed());
        if (!status.reloads().lastError().isEmpty()) {
            h.append("<br>last reload error: ").append(esc(status.reloads().lastError()));
        }
        h.append(" &middot; <a href=\"/stats.json\">json</a> &middot; <a href=\"/metrics\">metrics</a></p>");
        for (AppStats a : status.apps()) {
            StatsRates.Rate ar = rates.app(a.name());
            h.append("<table><caption>").append(esc(a.name())).append(" &middot; ports ").append(a.ports())
                    .append(" &middot; ").append(a.balancing()).append(" &middot; open ").append(a.active())
                    .append(" &middot; total ").append(a.total()).append(" (").append(perSecond(ar.connections())).append(" conn/s)")
                    .append(" &middot; in ").append(bytesPerSecond(ar.bytesIn())).append(", out ").append(bytesPerSecond(ar.bytesOut()))
                    .append(" &middot; refused ").append(a.rejected())
                    .append(" &middot; failed ").append(a.failed()).append("</caption>")
                    .append("<tr><th>target</th><th>origin</th><th>status</th><th>last change (UTC)</th><th>why</th>")
                    .append("<th>cur</th><th>total</th><th>conn/s</th><th>bytes in</th><th>in/s</th><th>bytes out</th><th>out/s</th>")
                    .append("<th>conn fail</th><th>retries</th></tr>");
            for (TargetStats t : a.targets()) {
                StatsRates.Rate tr = rates.target(a.name(), t.target());
                h.append("<tr class=\"").append(t.state()).append("\"><td class=l>").append(esc(t.target()))
                        .append("</td><td class=l>").append(esc(t.origin())).append("</td><td class=l>")
                        .append(t.state().toUpperCase()).append("</td><td class=l>")
                        .append(TIME.format(Instant.ofEpochMilli(t.lastChange()))).append("</td><td class=l>")
                        .append(esc(t.reason())).append("</td><td>").append(t.active()).append("</td><td>")
                        .append(t.total()).append("</td><td>").append(perSecond(tr.connections())).append("</td><td>")
                        .append(t.bytesIn()).append("</td><td>").append(bytesPerSecond(tr.bytesIn())).append("</td><td>")
                        .append(t.bytesOut()).append("</td><td>").append(bytesPerSecond(tr.bytesOut())).append("</td><td>")
                        .append(t.connectFailures()).append("</td><td>")
                        .append(t.retries()).append("</td></tr>");
            }
            h.append("</table>");
        }
        tls(h, status);
        return h.append("</body></html>").toString();
    }

    /** One row per app and side: handshakes begun, completed by version, failed by reason. */
    private static void tls(StringBuilder h, ProxyStatus status) {
        if (status.tls().isEmpty()) {
            return;
        }
        h.append("<table><caption>TLS handshakes</caption><tr><th>app</th><th>side</th><th>begun</th><th>completed</th>")
                .append("<th>failed</th><th>by version</th><th>failures by reason</th></tr>");
        for (TlsAppStats t : status.tls()) {
            StringBuilder reasons = new StringBuilder();
            t.failed().forEach((reason, n) -> {
                if (n > 0) {
                    reasons.append(reasons.length() == 0 ? "" : ", ").append(reason).append(' ').append(n);
                }
            });
            h.append("<tr><td class=l>").append(esc(t.app())).append("</td><td class=l>").append(t.side())
                    .append("</td><td>").append(t.started()).append("</td><td>").append(t.completedTotal())
                    .append("</td><td>").append(t.failedTotal()).append("</td><td class=l>").append(esc(t.completed().toString()))
                    .append("</td><td class=l>").append(esc(reasons.toString())).append("</td></tr>");
        }
        h.append("</table>");
    }

    static String perSecond(double v) {
        return String.format(java.util.Locale.ROOT, v >= 10 ? "%.0f" : "%.1f", v);
    }

    /** Bytes per second in B/s, kB/s, MB/s (10^3 steps). */
    static String bytesPerSecond(double v) {
        if (v >= 1e6) {
            return String.format(java.util.Locale.ROOT, "%.1f MB/s", v / 1e6);
        }
        return v >= 1e3 ? String.format(java.util.Locale.ROOT, "%.1f kB/s", v / 1e3) : String.format(java.util.Locale.ROOT, "%.0f B/s", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
