package io.tcpmesh.proxy.routing;

/** A target's counters at one moment, for the stats page, its JSON and the metrics. */
public record TargetStats(String target, String origin, String state, String reason, int active, long total,
                          long bytesIn, long bytesOut, long connectFailures, long retries, long lastChange) {
}
