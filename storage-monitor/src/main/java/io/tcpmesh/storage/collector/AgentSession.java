package io.tcpmesh.storage.collector;

/**
 * One connection's protocol state: before HELLO, joined (agent and run known), or failed. The fields are
 * the database thread's; the {@link ReadBacklog} is shared with the I/O thread.
 */
final class AgentSession {
    final Connection connection;
    final ReadBacklog backlog = new ReadBacklog();
    String agent;
    String run;
    String host;
    long pid;
    boolean failed;

    AgentSession(Connection connection) {
        this.connection = connection;
    }

    boolean joined() {
        return agent != null;
    }

    /** The agent id once known, else the peer address. */
    String who() {
        return agent != null ? agent : connection.remote();
    }
}
