package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;

/**
 * One agent connection as the collector's roles see it: {@link MinaConnection} over a MINA session in
 * the server, a plain object in tests. Every method may be called from any thread and never blocks.
 */
interface Connection {
    /** A number that names this connection in log lines. */
    long id();

    /** The peer's address, for log lines and events. */
    String remote();

    /** Queues a message to the agent. */
    void send(Message message);

    /** Closes once what was sent so far has been written. */
    void closeAfterSending();

    /** Closes at once, dropping what is still queued. */
    void closeNow();

    void suspendReads();

    void resumeReads();

    boolean readsSuspended();
}
