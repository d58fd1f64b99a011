package io.tcpmesh.storage.report;

import io.tcpmesh.storage.protocol.Message.ChunkStats;

import java.util.List;

/**
 * One run's report, built from the database alone ({@link ReportBuilder}); the text, JSON and HTML
 * forms all render this.
 */
public record RunReport(String run, long openedAt, Long closedAt, int expected, List<AgentReport> agents, Totals totals,
                        List<String> errors, List<CollectorAway> collectorAway) {

    /**
     * The collector was not serving this run from {@code from} to {@code to}: it stopped cleanly then, or
     * (not clean) it ended without a stop and {@code from} is the run's last event before it.
     */
    public record CollectorAway(long from, long to, boolean clean) {
        public long millis() {
            return to - from;
        }
    }

    /** Throughput in MB/s (10^6 bytes), CPU in percent of one core. */
    public record AgentReport(String agent, String host, long pid, String status, String statusReason, boolean gone,
                              Long startedAt, Long stoppedAt, long runtimeMs, long chunkSize, long fileSize, int writers,
                              long bytes, long files, long rollovers, long chunks, double meanMBps, double minMBps,
                              double maxMBps, ChunkStats chunkMicros, long cpuMs, double meanCpuPercent,
                              double maxCpuPercent, long maxHeapUsed, long maxRss, long heartbeats, long heartbeatsMissed,
                              long droppedSamples, List<String> errors, List<Point> series) {
    }

    /** One monitor sample: seconds since the agent started, throughput and CPU over the sample's interval. */
    public record Point(double seconds, double mbps, double cpuPercent) {
    }

    public record Totals(int agents, int stopped, int gone, long bytes, long files, long rollovers, long chunks,
                         double aggregateMBps, long runtimeMs) {
    }
}
