package io.tcpmesh.proxy.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/** The HTML cluster page: one table per service, one row per registered instance; refreshes itself. */
final class ClusterPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private ClusterPage() {
    }

    static String render(ClusterSnapshot s) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
                .append("<title>tcpmesh cluster</title><style>")
                .append("body{font-family:sans-serif;font-size:13px;margin:12px}table{border-collapse:collapse;margin-bottom:14px;min-width:900px}")
                .append("th,td{border:1px solid #bbb;padding:3px 7px;text-align:left;vertical-align:top}th{background:#dde}")
                .append("caption{text-align:left;font-weight:bold;background:#557;color:#fff;padding:3px 7px}")
                .append("tr.healthy td.health{background:#c8f0c8}tr.unhealthy td.health{background:#f4c4c4}")
                .append("td.num{text-align:right}.down{color:#a00;font-weight:bold}.up{color:#070}.gone{color:#777}")
                .append("p.warn{background:#fec;padding:4px}</style></head><body>");
        h.append("<h2>tcpmesh cluster</h2><p>seen by proxy ").append(esc(s.proxy())).append(" at ")
                .append(TIME.format(Instant.ofEpochMilli(s.takenAt()))).append(" UTC &middot; echo leader: <b id=\"echo-leader\">")
                .append(s.echoLeader() == null ? "none" : esc(s.echoLeader())).append("</b> &middot; ")
                .append(s.services().stream().mapToInt(x -> x.instances().size()).sum()).append(" instances")
                .append(" &middot; <a href=\"/cluster.json\">json</a> &middot; <a href=\"/stats\">proxy stats</a></p>");
        if (s.error() != null) {
            h.append("<p class=\"warn\">").append(esc(s.error())).append("</p>");
        }
        for (ClusterSnapshot.Service service : s.services()) {
            service(h, service);
        }
        return h.append("</body></html>").toString();
    }

    private static void service(StringBuilder h, ClusterSnapshot.Service service) {
        h.append("<table data-service=\"").append(esc(service.name())).append("\"><caption>").append(esc(service.name()))
                .append(" &middot; ").append(service.instances().size()).append(" registered</caption>")
                .append("<tr><th>instance</th><th>address</th><th>admin</th><th>version</th><th>uptime</th><th>health</th>")
                .append("<th>leader</th><th>proxy's view (app: state, open/total)</th></tr>");
        if (service.instances().isEmpty()) {
            h.append("<tr><td colspan=\"8\">none registered</td></tr>");
        }
        for (ClusterSnapshot.InstanceRow i : service.instances()) {
            h.append("<tr class=\"instance ").append(i.healthy() ? "healthy" : "unhealthy").append("\" data-id=\"").append(esc(i.id()))
                    .append("\"><td>").append(esc(i.id())).append("</td><td>").append(esc(i.address())).append("</td><td>")
                    .append(i.admin() == null ? "-" : "<a href=\"http://" + esc(i.admin()) + "/metrics\">" + esc(i.admin()) + "</a>")
                    .append("</td><td>").append(esc(i.version())).append("</td><td class=\"num\">").append(uptime(i.uptimeMs()))
                    .append("</td><td class=\"health\">").append(esc(i.health())).append("</td><td>").append(i.leader() ? "leader" : "")
                    .append("</td><td>").append(view(i)).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static String view(ClusterSnapshot.InstanceRow i) {
        if (i.proxyView().isEmpty()) {
            return "not a target";
        }
        return i.proxyView().stream().map(v -> esc(v.app()) + ": <span class=\"" + esc(v.state()) + "\">" + esc(v.state()) + "</span>"
                + (v.reason() == null || v.reason().isEmpty() || "up".equals(v.state()) ? "" : " (" + esc(v.reason()) + ")")
                + ", " + v.active() + "/" + v.total()).collect(Collectors.joining("<br>"));
    }

    static String uptime(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
