package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.store.Store.Status;

/** What the collector knows of one agent of a run; database thread only. */
final class AgentState {
    static final long DEFAULT_HEARTBEAT_MS = 5000;

    final String id;
    Status status = Status.RUNNING;
    long heartbeatMs = DEFAULT_HEARTBEAT_MS;
    long lastHeartbeat;
    long heartbeats;
    int missedWarned;
    /** The connection it speaks on now, or null while it is disconnected. */
    AgentSession session;
    /** When its connection was lost before STOP, or -1. */
    long disconnectedAt = -1;

    AgentState(String id, long now) {
        this.id = id;
        this.lastHeartbeat = now;
    }

    boolean running() {
        return status == Status.RUNNING;
    }
}
