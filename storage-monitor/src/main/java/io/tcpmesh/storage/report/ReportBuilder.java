package io.tcpmesh.storage.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.protocol.MessageCodec;
import io.tcpmesh.storage.protocol.FrameException;
import io.tcpmesh.storage.report.RunReport.AgentReport;
import io.tcpmesh.storage.report.RunReport.Point;
import io.tcpmesh.storage.store.Store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads one run back from the database into a {@link RunReport}. */
public final class ReportBuilder {
    private ReportBuilder() {
    }

    public static RunReport build(Store store, String runId) {
        Store.RunRow run = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "' in " + store.path()));
        List<Store.EventRow> events = store.events(runId);
        List<AgentReport> agents = new ArrayList<>();
        for (Store.AgentRow row : store.agents(runId)) {
            List<Store.EventRow> mine = events.stream().filter(e -> row.agentId().equals(e.agentId())).toList();
            agents.add(agent(row, mine, store.samples(runId, row.agentId())));
        }
        List<String> errors = events.stream().filter(e -> e.type().equals("ERROR"))
                .map(e -> e.agentId() + ": " + e.body()).toList();
        return new RunReport(runId, run.openedAt(), run.closedAt(), run.expected(), agents, totals(agents), errors, away(events));
    }

    /** The collector's own absences, from the COLLECTOR_RESUMED events a restarted collector writes. */
    private static List<RunReport.CollectorAway> away(List<Store.EventRow> events) {
        List<RunReport.CollectorAway> away = new ArrayList<>();
        for (Store.EventRow e : events) {
            if (e.type().equals("COLLECTOR_RESUMED") && e.body() != null) {
                try {
                    JsonNode body = MessageCodec.json().readTree(e.body());
                    away.add(new RunReport.CollectorAway(body.path("awaySince").asLong(e.at()), e.at(), body.path("clean").asBoolean()));
                } catch (JsonProcessingException bad) {
                    throw new IllegalStateException("stored COLLECTOR_RESUMED cannot be read: " + bad.getMessage());
                }
            }
        }
        return away;
    }

    private static AgentReport agent(Store.AgentRow row, List<Store.EventRow> events, List<Store.SampleRow> samples) {
        Message.Start start = first(events, "START", Message.Start.class);
        Message.Stop stop = first(events, "STOP", Message.Stop.class);
        long rollovers = events.stream().filter(e -> e.type().equals("ROLLOVER")).count();
        long heartbeats = events.stream().filter(e -> e.type().equals("HEARTBEAT")).count();
        Store.SampleRow last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        Long startedAt = start != null ? start.at() : null;
        Long stoppedAt = stop != null ? Long.valueOf(stop.at()) : row.statusAt();
        long runtimeMs = stop != null ? stop.elapsedMs()
                : startedAt != null && stoppedAt != null ? Math.max(0, stoppedAt - startedAt) : 0;
        long bytes = stop != null ? stop.bytes() : last != null ? last.totalBytes() : 0;
        long files = stop != null ? stop.files() : rollovers;
        long cpuMs = stop != null ? stop.totalCpuMs() : last != null ? last.totalCpuMs() : 0;
        long heartbeatMs = start != null ? start.heartbeatMs() : row.heartbeatMs();

        List<Point> series = new ArrayList<>();
        double min = Double.NaN;
        double max = Double.NaN;
        double cpuSum = 0;
        double cpuMax = 0;
        long heap = 0;
        long rss = 0;
        for (Store.SampleRow s : samples) {
            heap = Math.max(heap, s.heapUsed());
            rss = Math.max(rss, s.rss());
            if (s.intervalMs() <= 0) {
                continue;
            }
            double mbps = s.bytes() / 1e3 / s.intervalMs();
            double cpu = 100.0 * s.cpuMs() / s.intervalMs();
            double seconds = startedAt == null ? 0 : (s.at() - startedAt) / 1000.0;
            series.add(new Point(seconds, mbps, cpu));
            min = Double.isNaN(min) ? mbps : Math.min(min, mbps);
            max = Double.isNaN(max) ? mbps : Math.max(max, mbps);
            cpuSum += cpu;
            cpuMax = Math.max(cpuMax, cpu);
        }
        double mean = runtimeMs > 0 ? bytes / 1e3 / runtimeMs : 0;
        List<String> errors = events.stream().filter(e -> e.type().equals("ERROR")).map(Store.EventRow::body).toList();
        return new AgentReport(row.agentId(), row.host(), row.pid(), row.status().name(), row.statusReason(),
                row.status() == Store.Status.GONE, startedAt, stoppedAt, runtimeMs,
                start != null ? start.chunkSize() : 0, start != null ? start.fileSize() : 0, start != null ? start.writers() : 0,
                bytes, files, rollovers, stop != null ? stop.chunks() : 0, mean, Double.isNaN(min) ? mean : min,
                Double.isNaN(max) ? mean : max, stop != null ? stop.chunkMicros() : null, cpuMs,
                series.isEmpty() ? 0 : cpuSum / series.size(), cpuMax, heap, rss, heartbeats,
                missedHeartbeats(events, startedAt, stoppedAt, heartbeatMs), stop != null ? stop.droppedSamples() : 0, errors, series);
    }

    /** Heartbeats missing from the gaps between START, each HEARTBEAT and STOP (or the moment the agent was gone). */
    static long missedHeartbeats(List<Store.EventRow> events, Long startedAt, Long stoppedAt, long heartbeatMs) {
        if (heartbeatMs <= 0 || startedAt == null) {
            return 0;
        }
        List<Long> times = new ArrayList<>();
        times.add(startedAt);
        events.stream().filter(e -> e.type().equals("HEARTBEAT")).map(Store.EventRow::at).sorted().forEach(times::add);
        if (stoppedAt != null) {
            times.add(stoppedAt);
        }
        long missed = 0;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            missed += Math.max(0, (long) Math.floor((double) gap / heartbeatMs - 0.5));
        }
        return missed;
    }

    private static RunReport.Totals totals(List<AgentReport> agents) {
        long bytes = agents.stream().mapToLong(AgentReport::bytes).sum();
        long longest = agents.stream().mapToLong(AgentReport::runtimeMs).max().orElse(0);
        return new RunReport.Totals(agents.size(),
                (int) agents.stream().filter(a -> a.status().equals("STOPPED")).count(),
                (int) agents.stream().filter(AgentReport::gone).count(),
                bytes, agents.stream().mapToLong(AgentReport::files).sum(),
                agents.stream().mapToLong(AgentReport::rollovers).sum(),
                agents.stream().mapToLong(AgentReport::chunks).sum(),
                longest > 0 ? bytes / 1e3 / longest : 0, longest);
    }

    private static <T extends Message> T first(List<Store.EventRow> events, String type, Class<T> as) {
        for (Store.EventRow e : events) {
            if (e.type().equals(type) && e.seq() != null) {
                try {
                    return as.cast(MessageCodec.fromJson(e.body().getBytes(StandardCharsets.UTF_8)));
                } catch (FrameException bad) {
                    throw new IllegalStateException("stored " + type + " cannot be read: " + bad.getMessage());
                }
            }
        }
        return null;
    }

    public static String json(RunReport report) {
        try {
            return MessageCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
