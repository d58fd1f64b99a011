package io.tcpmesh.proxy.load;

import java.util.List;
import java.util.Map;

/**
 * Everything a report file holds: what was run and, per run (one, or one per point of a sweep), the summary
 * and the per-second timeline. Written as JSON by {@link ReportWriter}; the HTML report draws it.
 */
public record LoadReport(String tool, String startedAt, List<String> command, Map<String, Object> settings,
                         List<LoadRun.Result> runs) {
    public LoadReport {
        command = List.copyOf(command);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        runs = List.copyOf(runs);
    }

    public boolean sweep() {
        return runs.size() > 1;
    }
}
