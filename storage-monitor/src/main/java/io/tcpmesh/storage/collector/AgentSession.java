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
    /**
     * When the I/O thread last received a HEARTBEAT on this connection, or -1: an agent is alive from the
     * moment its heartbeat arrives, however long the database thread takes to get to it.
     */
    volatile long heartbeatArrived = -1;
    /** Whether a STOP arrived on this connection: the agent sends no more heartbeats, and is not judged by them. */
    volatile boolean stopArrived;

    AgentSession(Connection connection) {
        this.connection = connection;
    }

    /** Whether a HELLO comes from the process that speaks on this connection. */
    boolean sameProcess(io.tcpmesh.storage.protocol.Message.Hello hello) {
        return java.util.Objects.equals(host, hello.host()) && pid == hello.pid();
    }

    boolean joined() {
        return agent != null;
    }

    /** The agent id once known, else the peer address. */
    String who() {
        return agent != null ? agent : connection.remote();
    }
}
