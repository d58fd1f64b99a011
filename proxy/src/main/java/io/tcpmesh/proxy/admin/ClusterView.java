package io.tcpmesh.proxy.admin;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.Discovery;
import io.tcpmesh.proxy.routing.TargetStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the {@link ClusterSnapshot} the cluster page shows. A thread of its own lists the services in
 * ZooKeeper, reads their instances from the shared discovery watches, asks each instance's
 * {@code /health} (at most {@link #HEALTH_TIMEOUT}, all at once) and matches them to the proxy's targets;
 * the admin threads only read the last snapshot. Never runs on an I/O thread.
 */
final class ClusterView implements AutoCloseable {
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
    static final Duration PERIOD = Duration.ofSeconds(2);
    /** The services of DESIGN.md, watched even before one registers. */
    private static final List<String> KNOWN = List.of("md5", "echo", "numbers", "storage-collector", "proxy");
    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

    private final Discovery discovery;
    private final Supplier<List<AppStats>> proxyStats;
    private final Supplier<String> proxyName;
    private final Set<String> services = new TreeSet<>(KNOWN);
    private final ExecutorService httpThreads = Executors.newFixedThreadPool(2, r -> daemon(r, "cluster-health"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).executor(httpThreads).build();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-view"));
    private volatile ClusterSnapshot snapshot;

    ClusterView(Discovery discovery, Supplier<List<AppStats>> proxyStats, Supplier<String> proxyName) {
        this.discovery = discovery;
        this.proxyStats = proxyStats;
        this.proxyName = proxyName;
        this.snapshot = new ClusterSnapshot(System.currentTimeMillis(), proxyName.get(), null, "not read yet", List.of());
    }

    ClusterView start() {
        refresher.scheduleWithFixedDelay(this::refreshSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    ClusterSnapshot snapshot() {
        return snapshot;
    }

    private void refreshSafely() {
        try {
            snapshot = take();
        } catch (RuntimeException e) {
            log.warn("[{}] cluster view not refreshed: {}", proxyName.get(), e.toString());
        }
    }

    ClusterSnapshot take() {
        String error = listServices();
        long now = System.currentTimeMillis();
        Map<String, List<Instance>> byService = new LinkedHashMap<>();
        for (String s : services) {
            ServiceWatch watch = discovery.watch(s);
            byService.put(s, watch.allInstances());
        }
        Map<String, CompletableFuture<String>> health = askHealth(byService);
        List<AppStats> apps = proxyStats.get();
        String leader = null;
        List<ClusterSnapshot.Service> rows = new ArrayList<>();
        for (Map.Entry<String, List<Instance>> e : byService.entrySet()) {
            List<ClusterSnapshot.InstanceRow> instances = new ArrayList<>();
            for (Instance i : e.getValue()) {
                boolean leads = "true".equals(i.details().attribute("leader"));
                if (leads && "echo".equals(e.getKey())) {
                    leader = i.id();
                }
                instances.add(row(i, leads, health.get(key(i)), apps, now));
            }
            rows.add(new ClusterSnapshot.Service(e.getKey(), instances));
        }
        return new ClusterSnapshot(now, proxyName.get(), leader, error, rows);
    }

    /** Adds the services ZooKeeper lists; returns why it could not, or null. */
    private String listServices() {
        try {
            services.addAll(discovery.registry().services());
            return null;
        } catch (Exception e) {
            return "ZooKeeper could not be listed (" + e.getClass().getSimpleName() + "): showing the last known instances";
        }
    }

    private Map<String, CompletableFuture<String>> askHealth(Map<String, List<Instance>> byService) {
        Map<String, CompletableFuture<String>> asked = new LinkedHashMap<>();
        byService.values().forEach(list -> list.forEach(i -> asked.put(key(i), ask(i.details().attribute("admin")))));
        return asked;
    }

    private CompletableFuture<String> ask(String admin) {
        if (admin == null || admin.isBlank()) {
            return CompletableFuture.completedFuture("no admin endpoint");
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + admin + "/health")).timeout(HEALTH_TIMEOUT).build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? "ok" : r.statusCode() + " " + firstLine(r.body()))
                    .exceptionally(ClusterView::unreachable);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture("bad admin address " + admin);
        }
    }

    private static String unreachable(Throwable t) {
        Throwable c = t.getCause() != null ? t.getCause() : t;
        String name = c.getClass().getSimpleName();
        if (name.contains("Timeout")) {
            return "no answer within " + HEALTH_TIMEOUT.toSeconds() + "s";
        }
        return name.contains("Connect") ? "connection refused" : "unreachable (" + name + ")";
    }

    private static String firstLine(String body) {
        String b = body == null ? "" : body.strip();
        int nl = b.indexOf('\n');
        String line = nl < 0 ? b : b.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }

    private ClusterSnapshot.InstanceRow row(Instance i, boolean leads, CompletableFuture<String> health, List<AppStats> apps, long now) {
        String said = await(health);
        List<ClusterSnapshot.TargetView> views = new ArrayList<>();
        String masterPort = i.details().attribute("masterPort");
        for (AppStats app : apps) {
            for (TargetStats t : app.targets()) {
                if (t.target().equals(i.host() + ":" + i.port()) || (leads && masterPort != null && t.target().equals(i.host() + ":" + masterPort))) {
                    views.add(new ClusterSnapshot.TargetView(app.name(), t.target(), t.state(), t.reason(), t.active(), t.total()));
                }
            }
        }
        long started = i.details().startedAt();
        return new ClusterSnapshot.InstanceRow(i.id(), i.host() + ":" + i.port(), i.details().attribute("admin"), i.details().version(),
                started, started > 0 ? Math.max(0, now - started) : 0, said, "ok".equals(said), leads, views);
    }

    private static String await(CompletableFuture<String> f) {
        try {
            return f.get(HEALTH_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not asked (stopping)";
        } catch (Exception e) {
            return "no answer within " + HEALTH_TIMEOUT.toSeconds() + "s";
        }
    }

    private static String key(Instance i) {
        return i.service() + "/" + i.id();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        httpThreads.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
