package io.tcpmesh.proxy.admin;

import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.TargetStats;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rates for the stats page: connections per second and bytes per second of every app and target, over
 * the last {@link #WINDOW_SAMPLES} seconds. A thread of its own reads the proxy's totals once a second;
 * the page reads the rates. Totals that go down (a target replaced) restart its rate from there.
 */
final class StatsRates implements AutoCloseable {
    static final int WINDOW_SAMPLES = 5;

    /** Per second: connections accepted, bytes from clients, bytes to clients. */
    record Rate(double connections, double bytesIn, double bytesOut) {
        static final Rate NONE = new Rate(0, 0, 0);
    }

    private record Totals(long at, Map<String, long[]> byKey) {
    }

    private final Supplier<List<AppStats>> stats;
    private final Deque<Totals> window = new ArrayDeque<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stats-rates");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, Rate> rates = Map.of();

    StatsRates(Supplier<List<AppStats>> stats) {
        this.stats = stats;
    }

    StatsRates start() {
        sampler.scheduleAtFixedRate(this::sampleSafely, 0, 1, TimeUnit.SECONDS);
        return this;
    }

    Rate app(String app) {
        return rates.getOrDefault(app, Rate.NONE);
    }

    Rate target(String app, String target) {
        return rates.getOrDefault(app + " " + target, Rate.NONE);
    }

    private void sampleSafely() {
        try {
            sample(System.nanoTime(), stats.get());
        } catch (RuntimeException e) {
            // the next second tries again
        }
    }

    /** Adds the totals read at {@code nanos}; visible for tests, which pass their own clock. */
    synchronized void sample(long nanos, List<AppStats> apps) {
        Map<String, long[]> now = new HashMap<>();
        for (AppStats a : apps) {
            long in = 0;
            long out = 0;
            for (TargetStats t : a.targets()) {
                now.put(a.name() + " " + t.target(), new long[] {t.total(), t.bytesIn(), t.bytesOut()});
                in += t.bytesIn();
                out += t.bytesOut();
            }
            now.put(a.name(), new long[] {a.total(), in, out});
        }
        window.addLast(new Totals(nanos, now));
        while (window.size() > WINDOW_SAMPLES + 1) {
            window.removeFirst();
        }
        Totals first = window.peekFirst();
        double seconds = (nanos - first.at()) / 1e9;
        Map<String, Rate> next = new HashMap<>();
        if (seconds > 0) {
            now.forEach((key, totals) -> {
                long[] then = first.byKey().get(key);
                if (then != null) {
                    next.put(key, new Rate(perSecond(totals[0], then[0], seconds), perSecond(totals[1], then[1], seconds),
                            perSecond(totals[2], then[2], seconds)));
                }
            });
        }
        rates = Map.copyOf(next);
    }

    private static double perSecond(long now, long then, double seconds) {
        return now < then ? 0 : (now - then) / seconds;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
