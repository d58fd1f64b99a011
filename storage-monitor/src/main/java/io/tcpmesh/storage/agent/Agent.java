package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.bootstrap.Sizes;
import io.tcpmesh.storage.protocol.Message;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One storage agent: calibrates, then runs its writer threads for the runtime while a monitor thread
 * samples them and a heartbeat thread reports on every thread; all of it goes to the collector
 * through the {@link Outbox} and the {@link CollectorLink}. {@link #run()} blocks until the run is over.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    /** What the agent itself wrote and sent, to compare with the collector's database. */
    public record Result(String agent, String run, long bytes, long files, long rollovers, long chunks, long elapsedMs,
                         String stopReason, boolean delivered, long droppedSamples, long connections) {
    }

    private final AgentConfig config;
    private final CollectorLocator locator;
    private final DiskSpace disk;
    private final Outbox outbox;
    private final CollectorLink link;
    private final List<Writer> writers = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch periodicStop = new CountDownLatch(1);
    private final List<Thread> periodic = new ArrayList<>();
    private volatile boolean killed;
    private volatile boolean stopRequested;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public Agent(AgentConfig config) {
        this(config, config.collector() != null ? CollectorLocator.fixed(config.collector()) : CollectorLocator.zooKeeper(config.zk()),
                DiskSpace.of(config.dir()));
    }

    Agent(AgentConfig config, CollectorLocator locator, DiskSpace disk) {
        this.config = config;
        this.locator = locator;
        this.disk = disk;
        this.outbox = new Outbox(config.outboxLimit());
        this.link = new CollectorLink(config, locator, outbox);
        for (int i = 0; i < config.writers(); i++) {
            writers.add(new Writer(i, config, outbox, disk));
        }
    }

    public Result run() throws IOException, InterruptedException {
        prepareDir();
        if (config.chunkSize() < AgentConfig.USUAL_CHUNK) {
            log.warn("[{}] --chunk-size {} is under the usual {}: fine for a test, small for a benchmark", config.id(),
                    Sizes.format(config.chunkSize()), Sizes.format(AgentConfig.USUAL_CHUNK));
        }
        Calibration c = Calibration.check(config, disk);
        log.info(String.format(Locale.ROOT, "[%s] calibration: %.1f MB in %.3f s, %.1f MB/s; about %d rollover(s) per writer expected",
                config.id(), c.bytes() / 1e6, c.nanos() / 1e9, c.bytesPerSecond() / 1e6, c.expectedRollovers()));
        link.start();
        long startedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        outbox.add(seq -> new Message.Start(seq, startedAt, config.chunkSize(), config.fileSize(), config.writers(),
                config.runtime().toMillis(), config.heartbeat().toMillis(), config.monitor().toMillis(),
                config.dir().toAbsolutePath().toString(), c.bytesPerSecond()));
        log.info("[{}] START: {} writer(s), chunk {}, file {}, runtime {} ms into {}", config.id(), config.writers(),
                Sizes.format(config.chunkSize()), Sizes.format(config.fileSize()), config.runtime().toMillis(), config.dir());
        Sampler sampler = new Sampler(writers, outbox);
        writers.forEach(Writer::start);
        sampler.reset();
        Thread monitorThread = every(config.monitor().toMillis(), sampler::sample, "monitor");
        Heartbeats heartbeats = new Heartbeats(writers, sampler, monitorThread, link, outbox, config.monitor().toMillis());
        every(config.heartbeat().toMillis(), heartbeats::beat, "heartbeat");

        String reason = awaitEnd(t0);
        writers.forEach(Writer::stop);
        for (Writer w : writers) {
            w.thread().join();
        }
        periodicStop.countDown();
        for (Thread t : periodic) {
            t.join();
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        try {
            if (killed) {
                return result(reason, elapsedMs, false);
            }
            sampler.sample();
            Histogram h = new Histogram(3_600_000_000L, 3);
            writers.forEach(w -> h.add(w.histogram()));
            Result r = result(reason, elapsedMs, false);
            long cpuMs = sampler.totalCpuNanos() / 1_000_000;
            outbox.add(seq -> new Message.Stop(seq, System.currentTimeMillis(), reason, elapsedMs, r.bytes(), r.files(),
                    r.rollovers(), r.chunks(), stats(h), cpuMs, outbox.dropped()));
            log.info("[{}] STOP ({}): {} B in {} file(s), {} rollover(s), {} chunk(s) in {} ms; waiting for the collector",
                    config.id(), reason, r.bytes(), r.files(), r.rollovers(), r.chunks(), elapsedMs);
            boolean delivered = outbox.awaitEmpty(config.drainTimeout());
            if (!delivered) {
                log.warn("[{}] the collector did not acknowledge {} message(s) within {} ms", config.id(), outbox.size(),
                        config.drainTimeout().toMillis());
            }
            return result(reason, elapsedMs, delivered);
        } finally {
            close();
        }
    }

    private void prepareDir() {
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new IllegalArgumentException("--dir: cannot create " + config.dir() + ": " + e.getMessage());
        }
        if (!Files.isWritable(config.dir())) {
            throw new IllegalArgumentException("--dir: cannot write into " + config.dir());
        }
    }

    private String awaitEnd(long t0) throws InterruptedException {
        long deadline = t0 + config.runtime().toNanos();
        while (true) {
            if (killed) {
                return "killed";
            }
            if (stopRequested) {
                return "stopped early";
            }
            if (writers.stream().noneMatch(w -> w.thread().isAlive())) {
                return writers.stream().anyMatch(Writer::diskFull) ? "disk nearly full"
                        : "writer failed: " + writers.stream().map(Writer::failure).filter(f -> f != null).findFirst().orElse("?");
            }
            if (writers.stream().anyMatch(Writer::diskFull)) {
                return "disk nearly full";
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return "runtime over";
            }
            stop.await(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
        }
    }

    private Thread every(long periodMs, Runnable task, String name) {
        Thread t = new Thread(() -> {
            try {
                while (!periodicStop.await(periodMs, TimeUnit.MILLISECONDS)) {
                    task.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        periodic.add(t);
        t.start();
        return t;
    }

    private Result result(String reason, long elapsedMs, boolean delivered) {
        return new Result(config.id(), link.run(), writers.stream().mapToLong(w -> w.bytes.get()).sum(),
                writers.stream().mapToLong(Writer::files).sum(), writers.stream().mapToLong(w -> w.rollovers.get()).sum(),
                writers.stream().mapToLong(w -> w.chunks.get()).sum(), elapsedMs, reason, delivered, outbox.dropped(),
                link.connections());
    }

    private static Message.ChunkStats stats(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Message.ChunkStats(0, 0, 0, 0, 0, 0, 0);
        }
        return new Message.ChunkStats(h.getTotalCount(), h.getMinValue(), Math.round(h.getMean()), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue());
    }

    /** The run this agent is in, once the collector said. */
    public String runId() {
        return link.run();
    }

    public boolean connected() {
        return link.connected();
    }

    /** Ends the run now, as if the runtime were over: STOP is still sent (SIGTERM, Ctrl-C). */
    public void stopEarly() {
        stopRequested = true;
        stop.countDown();
    }

    /** Stops everything at once without a STOP and drops the connection with a reset, as if killed. */
    public void kill() {
        killed = true;
        link.abort();
        stop.countDown();
    }

    /** Stops the link and removes the data files unless told to keep them. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        link.close();
        locator.close();
        if (!config.keepFiles()) {
            long removed = 0;
            for (Writer w : writers) {
                for (Path p : w.paths()) {
                    try {
                        removed += Files.deleteIfExists(p) ? 1 : 0;
                    } catch (IOException e) {
                        log.warn("[{}] cannot remove {}: {}", config.id(), p, e.getMessage());
                    }
                }
            }
            log.info("[{}] removed {} data file(s) from {}", config.id(), removed, config.dir());
        }
    }
}
