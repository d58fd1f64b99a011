package io.tcpmesh.proxy.routing;

import java.util.List;

/** An app's counters at one moment. */
public record AppStats(String name, List<Integer> ports, String balancing, int active, long total, long rejected,
                       long failed, List<TargetStats> targets) {
}
