package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.storage.protocol.Message;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One writer thread: fills files chunk by chunk, syncs each file when it is full, rolls over to the
 * next and says so; times every chunk. Stops when asked, or before the disk is full.
 */
final class Writer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);

    private final int index;
    private final AgentConfig config;
    private final Outbox outbox;
    private final DiskSpace disk;
    private final List<Path> files = new CopyOnWriteArrayList<>();
    private final Histogram chunkMicros = new Histogram(3_600_000_000L, 3);
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong chunks = new AtomicLong();
    final AtomicLong rollovers = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean diskFull;
    private volatile String failure;
    private volatile long finalCpuNanos = -1;
    private volatile Thread thread;

    Writer(int index, AgentConfig config, Outbox outbox, DiskSpace disk) {
        this.index = index;
        this.config = config;
        this.outbox = outbox;
        this.disk = disk;
    }

    Thread start() {
        thread = DaemonThreads.start(name(), this);
        return thread;
    }

    String name() {
        return "writer-" + index;
    }

    Thread thread() {
        return thread;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) config.chunkSize());
        byte[] noise = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(noise);
        while (chunk.hasRemaining()) {
            chunk.put(noise, 0, Math.min(noise.length, chunk.remaining()));
        }
        long started = System.nanoTime();
        try {
            for (int fileIndex = 0; !stopping; fileIndex++) {
                writeFile(chunk, fileIndex, started);
            }
        } catch (IOException e) {
            failure = e.toString();
            log.error("[{}] {} failed", config.id(), name(), e);
        } finally {
            finalCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    private void writeFile(ByteBuffer chunk, int fileIndex, long started) throws IOException {
        Path file = config.dir().resolve(config.id() + "-w" + index + "-" + fileIndex + ".dat");
        files.add(file);
        long written = 0;
        long fileChunks = 0;
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (written < config.fileSize() && !stopping) {
                int n = (int) Math.min(config.chunkSize(), config.fileSize() - written);
                if (disk.usable() - n < config.minFree()) {
                    diskFull = true;
                    stopping = true;
                    log.warn("[{}] {} stops: free space {} B would drop below --min-free {} B", config.id(), name(), disk.usable(), config.minFree());
                    break;
                }
                throttle(started);
                chunk.clear().limit(n);
                long c0 = System.nanoTime();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
                chunkMicros.recordValue(Math.max(1, (System.nanoTime() - c0) / 1000));
                written += n;
                fileChunks++;
                bytes.addAndGet(n);
                chunks.incrementAndGet();
            }
            ch.force(false);
        }
        if (written >= config.fileSize()) {
            long rolled = rollovers.incrementAndGet();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            long chunkCount = fileChunks;
            long size = written;
            outbox.add(seq -> new Message.Rollover(seq, System.currentTimeMillis(), index, fileIndex,
                    file.getFileName().toString(), size, chunkCount, elapsedMs));
            log.info("[{}] {} rolled over {} ({} B, {} chunk(s) in {} ms), rollover {}", config.id(), name(),
                    file.getFileName(), size, chunkCount, elapsedMs, rolled);
        }
    }

    private void throttle(long started) {
        if (config.maxRate() <= 0) {
            return;
        }
        long due = started + (long) (bytes.get() * 1e9 / config.maxRate());
        long wait = due - System.nanoTime();
        while (wait > 0 && !stopping) {
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
            wait = due - System.nanoTime();
        }
    }

    /** The writer's CPU time so far, also once its thread has ended. */
    long cpuNanos() {
        long end = finalCpuNanos;
        if (end >= 0) {
            return end;
        }
        Thread t = thread;
        long now = t == null ? 0 : ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
        return now < 0 ? Math.max(0, finalCpuNanos) : now;
    }

    boolean diskFull() {
        return diskFull;
    }

    String failure() {
        return failure;
    }

    long files() {
        return files.size();
    }

    List<Path> paths() {
        return files;
    }

    /** Read only once the thread has ended. */
    Histogram histogram() {
        return chunkMicros;
    }
}
