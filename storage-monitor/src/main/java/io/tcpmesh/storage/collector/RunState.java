package io.tcpmesh.storage.collector;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the collector knows of one run; database thread only. */
final class RunState {
    final String id;
    final int expected;
    final Map<String, AgentState> agents = new LinkedHashMap<>();
    boolean finished;

    RunState(String id, int expected) {
        this.id = id;
        this.expected = expected;
    }

    AgentState agent(String agentId) {
        return agents.get(agentId);
    }
}
