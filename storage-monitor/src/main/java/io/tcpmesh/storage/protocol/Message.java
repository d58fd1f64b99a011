package io.tcpmesh.storage.protocol;

import java.util.List;

/**
 * Every message of the storage protocol (docs/storage-protocol.md). On the wire each is one JSON object
 * with {@code "v":1} and {@code "type"} added by {@link MessageCodec}.
 */
public sealed interface Message {

    /** The name written into {@code "type"}. */
    default MessageType type() {
        return MessageType.of(getClass());
    }

    /** A message an agent numbers, stores until acknowledged and resends after a reconnection. */
    sealed interface Sequenced extends Message {
        long seq();

        /** When the agent made it, in milliseconds since the epoch. */
        long at();
    }

    /**
     * First frame of every connection, agent to collector. {@code run} is null to join the collector's open run;
     * {@code expect} (0: the collector's {@code --expect}) is how many agents a run this HELLO opens waits for.
     */
    record Hello(String agent, String run, String host, long pid, int expect) implements Message {
        public Hello(String agent, String run, String host, long pid) {
            this(agent, run, host, pid, 0);
        }
    }

    /** Collector to agent: the run this agent belongs to. */
    record Welcome(String run, String collector) implements Message {
    }

    /** Collector to agent: the message with this sequence number is stored. */
    record Ack(long seq) implements Message {
    }

    /** Collector to agent before it closes the session. */
    record Error(String message) implements Message {
    }

    record Start(long seq, long at, long chunkSize, long fileSize, int writers, long runtimeMs, long heartbeatMs,
                 long monitorMs, String dir, double calibratedBytesPerSecond) implements Sequenced {
    }

    /** A writer filled a file (synced and closed) and opened the next. */
    record Rollover(long seq, long at, int writer, int fileIndex, String file, long bytes, long chunks,
                    long elapsedMs) implements Sequenced {
    }

    /** The writers' throughput and CPU over the last interval and the process memory. */
    record Monitor(long seq, long at, long intervalMs, long bytes, long totalBytes, long cpuMs, long totalCpuMs,
                   long heapUsed, long heapMax, long rss, long droppedSamples) implements Sequenced {
    }

    record ThreadStatus(String name, boolean alive, boolean progressing) {
    }

    record Heartbeat(long seq, long at, List<ThreadStatus> threads, long droppedSamples) implements Sequenced {
        public Heartbeat {
            threads = threads == null ? List.of() : List.copyOf(threads);
        }
    }

    /** Per-chunk write times over the whole run, in microseconds. */
    record ChunkStats(long count, long min, long mean, long p50, long p90, long p99, long max) {
    }

    record Stop(long seq, long at, String reason, long elapsedMs, long bytes, long files, long rollovers, long chunks,
                ChunkStats chunkMicros, long totalCpuMs, long droppedSamples) implements Sequenced {
    }
}
