package io.tcpmesh.storage.report;

import io.tcpmesh.coordination.LogText;
import io.tcpmesh.storage.report.RunReport.AgentReport;

import java.time.Instant;
import java.util.Locale;

/** The plain-text summary of a run. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(RunReport r) {
        StringBuilder b = new StringBuilder();
        line(b, "Storage run %s", r.run());
        line(b, "  opened %s, closed %s, expected agents %s", time(r.openedAt()), time(r.closedAt()),
                r.expected() > 0 ? r.expected() : "any");
        RunReport.Totals t = r.totals();
        line(b, "  agents %d: %d stopped, %d gone", t.agents(), t.stopped(), t.gone());
        line(b, "  total %s in %d file(s), %d rollover(s), %d chunk(s); aggregate %.1f MB/s over %.1f s",
                bytes(t.bytes()), t.files(), t.rollovers(), t.chunks(), t.aggregateMBps(), t.runtimeMs() / 1000.0);
        for (RunReport.CollectorAway away : r.collectorAway()) {
            line(b, "  collector away from %s to %s (%.1f s; %s)", time(away.from()), time(away.to()), away.millis() / 1000.0,
                    away.clean() ? "it stopped cleanly" : "it ended without a clean stop: from the run's last event");
        }
        for (AgentReport a : r.agents()) {
            b.append('\n');
            line(b, "Agent %s (%s, pid %d): %s%s", a.agent(), LogText.escape(a.host()), a.pid(), a.gone() ? "GONE" : a.status(),
                    a.statusReason() == null ? "" : " - " + LogText.escape(a.statusReason()));
            line(b, "  start %s, stop %s, runtime %.1f s", time(a.startedAt()), time(a.stoppedAt()), a.runtimeMs() / 1000.0);
            line(b, "  %d writer(s), chunk %s, file %s", a.writers(), bytes(a.chunkSize()), bytes(a.fileSize()));
            line(b, "  wrote %s in %d file(s), %d rollover(s), %d chunk(s)", bytes(a.bytes()), a.files(), a.rollovers(), a.chunks());
            line(b, "  throughput mean %.1f MB/s, min %.1f, max %.1f (per monitor interval)", a.meanMBps(), a.minMBps(), a.maxMBps());
            if (a.chunkMicros() != null && a.chunkMicros().count() > 0) {
                var c = a.chunkMicros();
                line(b, "  chunk write time (ms): min %.2f, mean %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.2f",
                        c.min() / 1e3, c.mean() / 1e3, c.p50() / 1e3, c.p90() / 1e3, c.p99() / 1e3, c.max() / 1e3);
                line(b, "  per-chunk throughput (MB/s): median %.1f, p99-slowest %.1f", a.chunkSize() / (double) c.p50(),
                        a.chunkSize() / (double) c.p99());
            }
            line(b, "  writer CPU %d ms, mean %.1f%%, max %.1f%% of a core; max heap used %s, max RSS %s", a.cpuMs(),
                    a.meanCpuPercent(), a.maxCpuPercent(), bytes(a.maxHeapUsed()), bytes(a.maxRss()));
            line(b, "  heartbeats received %d, missed %d; monitor samples dropped while disconnected %d", a.heartbeats(),
                    a.heartbeatsMissed(), a.droppedSamples());
            for (String e : a.errors()) {
                line(b, "  error: %s", LogText.escape(e));
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    static String time(Long millis) {
        return millis == null ? "-" : Instant.ofEpochMilli(millis).toString();
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return n + " B";
    }
}
