package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.DaemonThreads;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run at one number of connections: starts the workers, prints a progress line every second and returns
 * the summary and the per-second timeline.
 */
public final class LoadRun {
    private final LoadConfig config;
    private final PrintStream progress;
    private final List<LoadWorker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public LoadRun(LoadConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** The figures of one run. */
    public record Result(LoadStats.Summary summary, List<LoadStats.Sample> timeline, Map<String, LoadStats.Summary> byTarget) {
        public Result {
            timeline = List.copyOf(timeline);
            byTarget = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byTarget));
        }

        public Result(LoadStats.Summary summary, List<LoadStats.Sample> timeline) {
            this(summary, timeline, Map.of());
        }
    }

    public Result execute() throws IOException, InterruptedException {
        List<LoadTarget> all = new ArrayList<>();
        for (LoadTarget target : config.targets()) {
            for (int i = 0; i < config.connections(); i++) {
                all.add(target);
            }
        }
        int threads = Math.min(config.threads(), all.size());
        List<List<LoadTarget>> shares = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            shares.get(i % threads).add(all.get(i));
        }
        LoadStats stats = new LoadStats();
        RequestBudget budget = new RequestBudget(config.requests());
        long start = System.nanoTime();
        for (List<LoadTarget> share : shares) {
            RateShape shape = config.shape() == null ? null : config.shape().scaled((double) share.size() / all.size());
            addWorker(new LoadWorker(config, share, stats, budget, start, shape));
        }
        CountDownLatch done = new CountDownLatch(workers.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threadsStarted = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
            LoadWorker worker = workers.get(w);
            Thread t = DaemonThreads.thread("load-" + w, () -> {
                try {
                    worker.run();
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            threadsStarted.add(t);
            t.start();
        }
        long last = start;
        int connections = all.size();
        while (!done.await(Math.max(1, last + 1_000_000_000L - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            long now = System.nanoTime();
            double at = (now - start) / 1e9;
            LoadStats.Sample s = stats.sample(at, (now - last) / 1e9, connections, intended(at));
            last = now;
            if (progress != null) {
                progress.println(progressLine(s, stats));
            }
        }
        long end = System.nanoTime();
        stats.sample((end - start) / 1e9, Math.max(1e-9, (end - last) / 1e9), connections, intended((end - start) / 1e9));
        if (failure.get() != null) {
            throw new IllegalStateException("a load worker failed: " + failure.get(), failure.get());
        }
        double seconds = (end - start) / 1e9;
        return new Result(stats.summary(seconds, connections), stats.timeline(),
                config.targets().size() > 1 ? stats.targetSummaries(config.targets(), seconds, config.connections()) : Map.of());
    }

    private double intended(double atSeconds) {
        double duration = config.duration().toNanos() / 1e9;
        // the last sample lands just past the duration: it still belongs to the shape's last moment
        return config.shape() == null || atSeconds > duration + 1 ? 0 : config.shape().rateAt(Math.min(atSeconds, duration));
    }

    /** Stops starting requests; in-flight ones drain. */
    public void stop() {
        for (LoadWorker w : workers) {
            w.stop();
        }
    }

    private void addWorker(LoadWorker worker) {
        workers.add(worker);
    }

    static String progressLine(LoadStats.Sample s, LoadStats stats) {
        return String.format(Locale.ROOT, "load: %5.1fs %10.0f req/s  errors %d  p99 %.3f ms (interval %.3f ms)  conns %d",
                s.atSeconds(), s.requestsPerSecond(), stats.errorTotal(), stats.p99SoFar(), s.p99(), s.connections());
    }
}
