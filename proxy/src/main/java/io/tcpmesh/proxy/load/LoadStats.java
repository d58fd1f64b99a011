package io.tcpmesh.proxy.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run measured. Workers record from their own threads; {@link #sample} (one reporting thread) turns the
 * last interval into a {@link Sample} and adds it to the running total.
 */
public final class LoadStats {
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    private final Histogram total = new Histogram(HIGHEST_NANOS, 3);
    private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final List<Sample> timeline = new ArrayList<>();
    private long lastErrorTotal;
    private Histogram interval;
    private final LoadStats parent;
    private final Map<String, LoadStats> targets = new java.util.concurrent.ConcurrentHashMap<>();

    public LoadStats() {
        this(null);
    }

    private LoadStats(LoadStats parent) {
        this.parent = parent;
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, new LongAdder());
        }
    }

    /** One request answered correctly after {@code nanos} (from its intended send time in an open loop). */
    void ok(long nanos) {
        recorder.recordValue(Math.min(Math.max(nanos, 1), HIGHEST_NANOS));
        if (parent != null) {
            parent.ok(nanos);
        }
    }

    void error(ErrorKind kind) {
        errors.get(kind).increment();
        if (parent != null) {
            parent.error(kind);
        }
    }

    void attempt() {
        attempts.increment();
        if (parent != null) {
            parent.attempt();
        }
    }

    void sent(long n) {
        bytesSent.add(n);
        if (parent != null) {
            parent.sent(n);
        }
    }

    void received(long n) {
        bytesReceived.add(n);
        if (parent != null) {
            parent.received(n);
        }
    }

    /** The figures of one target: what is recorded there is recorded here too. */
    LoadStats forTarget(LoadTarget target) {
        return targets.computeIfAbsent(target.toString(), k -> new LoadStats(this));
    }

    /** Each target's summary, in the order given (requests the worker dropped before choosing a connection are not in them). */
    public synchronized Map<String, Summary> targetSummaries(List<LoadTarget> order, double seconds, int connectionsPerTarget) {
        Map<String, Summary> out = new java.util.LinkedHashMap<>();
        for (LoadTarget t : order) {
            LoadStats child = targets.get(t.toString());
            if (child != null && !out.containsKey(t.toString())) {
                child.sample(seconds, 1, connectionsPerTarget);
                out.put(t.toString(), child.summary(seconds, connectionsPerTarget));
            }
        }
        return out;
    }

    public long errors(ErrorKind kind) {
        return errors.get(kind).sum();
    }

    public long errorTotal() {
        long sum = 0;
        for (LongAdder a : errors.values()) {
            sum += a.sum();
        }
        return sum;
    }

    /** Folds the interval since the last call into the total; returns that interval's figures. */
    public synchronized Sample sample(double atSeconds, double intervalSeconds, int connections) {
        return sample(atSeconds, intervalSeconds, connections, 0);
    }

    /** As {@link #sample(double, double, int)}, with the rate an open loop intended at that moment (0 in a closed loop). */
    public synchronized Sample sample(double atSeconds, double intervalSeconds, int connections, double intendedPerSecond) {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long errorTotal = errorTotal();
        Sample s = new Sample(atSeconds, connections, interval.getTotalCount() / intervalSeconds,
                errorTotal - lastErrorTotal, millis(interval, 50), millis(interval, 90), millis(interval, 99),
                millis(interval, 99.9), interval.getTotalCount() == 0 ? 0 : interval.getMaxValue() / 1e6,
                intervalSeconds, intendedPerSecond);
        lastErrorTotal = errorTotal;
        if (intervalSeconds >= 0.05) {
            timeline.add(s);
        }
        return s;
    }

    /** p99 of everything so far, in milliseconds (after the last {@link #sample}). */
    public synchronized double p99SoFar() {
        return millis(total, 99);
    }

    public synchronized List<Sample> timeline() {
        return List.copyOf(timeline);
    }

    /** The whole run's figures; call after the last {@link #sample}. */
    public synchronized Summary summary(double seconds, int connections) {
        Map<String, Long> byKind = new java.util.LinkedHashMap<>();
        for (ErrorKind kind : ErrorKind.values()) {
            byKind.put(kind.key(), errors(kind));
        }
        long ok = total.getTotalCount();
        return new Summary(connections, seconds, attempts.sum(), ok, errorTotal(), byKind,
                seconds > 0 ? ok / seconds : 0, millis(total, 50), millis(total, 90), millis(total, 99),
                millis(total, 99.9), ok == 0 ? 0 : total.getMaxValue() / 1e6, ok == 0 ? 0 : total.getMean() / 1e6,
                bytesSent.sum(), bytesReceived.sum(),
                seconds > 0 ? (bytesSent.sum() + bytesReceived.sum()) / 2.0 / seconds / 1e6 : 0);
    }

    static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * One second of a run (the last may be shorter: {@code intervalSeconds}). Latencies in milliseconds;
     * {@code intendedPerSecond} is the open loop's target rate at {@code atSeconds}, 0 in a closed loop.
     */
    public record Sample(double atSeconds, int connections, double requestsPerSecond, long errors,
                         double p50, double p90, double p99, double p999, double max,
                         double intervalSeconds, double intendedPerSecond) {
    }

    /**
     * A run's totals. {@code requests} = answered correctly; {@code attempts} = requests started;
     * latencies in milliseconds; {@code megabytesPerSecond} = mean of sent and received, 10^6 bytes.
     */
    public record Summary(int connections, double seconds, long attempts, long requests, long errors,
                          Map<String, Long> errorsByKind, double requestsPerSecond,
                          double p50, double p90, double p99, double p999, double max, double mean,
                          long bytesSent, long bytesReceived, double megabytesPerSecond) {
        public Summary {
            errorsByKind = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errorsByKind));
        }

        public long errors(ErrorKind kind) {
            return errorsByKind.getOrDefault(kind.key(), 0L);
        }
    }
}
