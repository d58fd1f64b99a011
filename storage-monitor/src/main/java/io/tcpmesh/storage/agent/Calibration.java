package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.Sizes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * The start-up check that the run can give at least two rollovers per writer: a short write, synced
 * like the real ones, measures the disk; the rate times the runtime must fill two files.
 *
 * @param bytesPerSecond    what the calibration write measured (the whole disk)
 * @param perWriterRate     what one writer can expect: the measured rate shared by the writers, capped by --max-rate
 * @param expectedRollovers files one writer should fill in the runtime
 */
record Calibration(long bytes, long nanos, double bytesPerSecond, double perWriterRate, long expectedRollovers) {
    static final int REQUIRED_ROLLOVERS = 2;
    private static final long MAX_CALIBRATION_BYTES = 64L << 20;
    private static final Duration TIME_BUDGET = Duration.ofSeconds(1);

    /** Measures; throws {@link IllegalArgumentException} with the numbers when the run cannot give two rollovers. */
    static Calibration check(AgentConfig config, DiskSpace disk) throws IOException {
        long needed = (long) config.writers() * REQUIRED_ROLLOVERS * config.fileSize();
        long room = disk.usable() - config.minFree();
        if (room < needed) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "cannot give %d rollovers: %d writer(s) x %d files of --file-size %s need %s, but %s has only %s free above --min-free %s",
                    REQUIRED_ROLLOVERS, config.writers(), REQUIRED_ROLLOVERS, Sizes.format(config.fileSize()), mb(needed),
                    config.dir(), mb(Math.max(0, room)), Sizes.format(config.minFree())));
        }
        Calibration c = measure(config);
        if (c.expectedRollovers < REQUIRED_ROLLOVERS) {
            double seconds = config.runtime().toMillis() / 1000.0;
            long minRuntime = (long) Math.ceil(REQUIRED_ROLLOVERS * config.fileSize() / c.perWriterRate);
            long maxFile = (long) (c.perWriterRate * seconds / REQUIRED_ROLLOVERS);
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "cannot give %d rollovers: a calibration write of %s took %.3f s (%.1f MB/s); with %d writer(s)%s "
                            + "--runtime %s gives about %s per writer, %d file(s) of --file-size %s. "
                            + "Use a --runtime of at least %ds or a --file-size of at most %s.",
                    REQUIRED_ROLLOVERS, mb(c.bytes), c.nanos / 1e9, c.bytesPerSecond / 1e6, config.writers(),
                    config.maxRate() > 0 ? " at --max-rate " + Sizes.format(config.maxRate()) + "/s" : "",
                    Durations.format(config.runtime()), mb((long) (c.perWriterRate * seconds)), c.expectedRollovers,
                    Sizes.format(config.fileSize()), minRuntime + 1, Sizes.format(Math.max(1, maxFile / 1024) * 1024)));
        }
        return c;
    }

    private static Calibration measure(AgentConfig config) throws IOException {
        long target = Math.min(config.fileSize(), Math.min(MAX_CALIBRATION_BYTES, Math.max(config.chunkSize(), 8 * config.chunkSize())));
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) config.chunkSize());
        Path file = config.dir().resolve("." + config.id() + "-calibration.dat");
        long written = 0;
        long t0 = System.nanoTime();
        long budget = TIME_BUDGET.toNanos();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (written < target && (written == 0 || System.nanoTime() - t0 < budget)) {
                chunk.clear().limit((int) Math.min(config.chunkSize(), target - written));
                while (chunk.hasRemaining()) {
                    written += ch.write(chunk);
                }
            }
            ch.force(false);
        } finally {
            Files.deleteIfExists(file);
        }
        long nanos = Math.max(1, System.nanoTime() - t0);
        double rate = written * 1e9 / nanos;
        double perWriter = rate / config.writers();
        if (config.maxRate() > 0) {
            perWriter = Math.min(perWriter, config.maxRate());
        }
        long rollovers = (long) (perWriter * config.runtime().toMillis() / 1000.0 / config.fileSize());
        return new Calibration(written, nanos, rate, perWriter, rollovers);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
