package io.tcpmesh.storage.agent;

import io.tcpmesh.storage.protocol.Message;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the writers' throughput and CPU time and the process's memory, and queues a MONITOR message. */
final class Sampler {
    private final List<Writer> writers;
    private final Outbox outbox;
    private final AtomicLong samples = new AtomicLong();
    private long lastAt = System.currentTimeMillis();
    private long lastBytes;
    private long lastCpuNanos;

    Sampler(List<Writer> writers, Outbox outbox) {
        this.writers = writers;
        this.outbox = outbox;
    }

    /** Restarts the interval: the run starts now. */
    synchronized void reset() {
        lastAt = System.currentTimeMillis();
        lastBytes = totalBytes();
        lastCpuNanos = totalCpuNanos();
    }

    synchronized Message.Monitor sample() {
        long now = System.currentTimeMillis();
        long bytes = totalBytes();
        long cpu = totalCpuNanos();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long interval = now - lastAt;
        long deltaBytes = bytes - lastBytes;
        long deltaCpuMs = (cpu - lastCpuNanos) / 1_000_000;
        lastAt = now;
        lastBytes = bytes;
        lastCpuNanos = cpu;
        samples.incrementAndGet();
        return outbox.add(seq -> new Message.Monitor(seq, now, interval, deltaBytes, bytes, deltaCpuMs, cpu / 1_000_000,
                heap.getUsed(), heap.getMax(), rss(), outbox.dropped()));
    }

    long samples() {
        return samples.get();
    }

    long totalBytes() {
        return writers.stream().mapToLong(w -> w.bytes.get()).sum();
    }

    long totalCpuNanos() {
        return writers.stream().mapToLong(Writer::cpuNanos).sum();
    }

    /** Resident set size from /proc (Linux), or -1 elsewhere. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
