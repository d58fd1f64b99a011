package io.tcpmesh.storage.agent;

import io.tcpmesh.storage.protocol.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds each HEARTBEAT: is every other thread alive, and has it made progress since the last one. */
final class Heartbeats {
    private final List<Writer> writers;
    private final Sampler sampler;
    private final Thread monitorThread;
    private final CollectorLink link;
    private final Outbox outbox;
    private final Map<String, Long> lastProgress = new HashMap<>();
    private long lastSamples;
    private long lastSampleChange = System.currentTimeMillis();
    private final long monitorMs;

    Heartbeats(List<Writer> writers, Sampler sampler, Thread monitorThread, CollectorLink link, Outbox outbox, long monitorMs) {
        this.writers = writers;
        this.sampler = sampler;
        this.monitorThread = monitorThread;
        this.link = link;
        this.outbox = outbox;
        this.monitorMs = monitorMs;
    }

    synchronized Message.Heartbeat beat() {
        long now = System.currentTimeMillis();
        List<Message.ThreadStatus> threads = new ArrayList<>();
        for (Writer w : writers) {
            long chunks = w.chunks.get();
            Long before = lastProgress.put(w.name(), chunks);
            boolean alive = w.thread() != null && w.thread().isAlive();
            threads.add(new Message.ThreadStatus(w.name(), alive, before == null ? chunks > 0 || alive : chunks > before));
        }
        long samples = sampler.samples();
        if (samples != lastSamples) {
            lastSamples = samples;
            lastSampleChange = now;
        }
        threads.add(new Message.ThreadStatus("monitor", monitorThread.isAlive(), now - lastSampleChange <= 2 * monitorMs));
        threads.add(new Message.ThreadStatus("link", link.thread().isAlive(), link.connected()));
        return outbox.add(seq -> new Message.Heartbeat(seq, now, threads, outbox.dropped()));
    }
}
