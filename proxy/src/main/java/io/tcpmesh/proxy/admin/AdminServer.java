package io.tcpmesh.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.admin.AdminEndpoint;
import io.tcpmesh.proxy.routing.Discovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin HTTP server (JDK's), on two threads of its own: {@code /health}, {@code /metrics} (Prometheus
 * text), {@code /stats} (HTML, refreshing itself) and {@code /stats.json} (also {@code /stats?format=json}),
 * {@code /cluster} (HTML) and {@code /cluster.json}: every registered instance with its health ({@link ClusterView}).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<ProxyStatus> status;
    private final Discovery discovery;
    private final InetSocketAddress address;
    private ProxyMetrics metrics;
    private ClusterView cluster;
    private StatsRates rates;
    private HttpServer http;
    private ExecutorService executor;

    /** Serves pages rendered from {@code status}, asked once per request (on the admin threads). */
    public AdminServer(Supplier<ProxyStatus> status, Discovery discovery, InetSocketAddress address) {
        this.status = status;
        this.discovery = discovery;
        this.address = address;
    }

    public InetSocketAddress start() throws IOException {
        metrics = new ProxyMetrics(status);
        rates = new StatsRates(() -> status.get().apps()).start();
        cluster = new ClusterView(discovery, () -> status.get().apps(), () -> status.get().node());
        try {
            http = HttpServer.create(address, 64);
        } catch (BindException e) {
            throw (BindException) new BindException("admin port: cannot bind " + address.getAddress().getHostAddress()
                    + ":" + address.getPort() + ": " + e.getMessage()).initCause(e);
        }
        executor = Executors.newFixedThreadPool(2, DaemonThreads.named("proxy-admin"));
        http.setExecutor(executor);
        http.createContext("/health", this::health);
        http.createContext("/metrics", this::metrics);
        http.createContext("/stats.json", ex -> send(ex, 200, "application/json", json()));
        http.createContext("/stats", ex -> {
            String q = ex.getRequestURI().getQuery();
            if (q != null && q.contains("format=json")) {
                send(ex, 200, "application/json", json());
            } else {
                send(ex, 200, "text/html; charset=utf-8", StatsPage.render(status.get(), rates).getBytes(StandardCharsets.UTF_8));
            }
        });
        http.createContext("/cluster.json", ex -> send(ex, 200, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cluster.snapshot())));
        http.createContext("/cluster", ex -> send(ex, 200, "text/html; charset=utf-8", ClusterPage.render(cluster.snapshot()).getBytes(StandardCharsets.UTF_8)));
        http.createContext("/", ex -> send(ex, 404, "text/plain", "try /stats, /stats.json, /cluster, /cluster.json, /metrics or /health\n".getBytes(StandardCharsets.UTF_8)));
        http.start();
        cluster.start();
        return http.getAddress();
    }

    private void health(HttpExchange ex) throws IOException {
        boolean ok = !status.get().draining();
        send(ex, ok ? 200 : 503, "text/plain", (ok ? "ok\n" : "draining\n").getBytes(StandardCharsets.UTF_8));
    }

    private void metrics(HttpExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        send(ex, 200, metrics.contentType(), out.toByteArray());
    }

    private byte[] json() throws IOException {
        ProxyStatus s = status.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.node());
        m.put("state", s.draining() ? "draining" : "running");
        m.put("activeConnections", s.activeConnections());
        m.put("maxConnections", s.maxConnections());
        m.put("rejectedConnections", s.rejectedConnections());
        m.put("queuedBytes", s.queuedBytes());
        m.put("configSource", s.reloads().source());
        m.put("reloadsOk", s.reloads().succeeded());
        m.put("reloadsFailed", s.reloads().failed());
        m.put("lastReloadError", s.reloads().lastError());
        m.put("apps", s.apps());
        m.put("tls", s.tls());
        m.put("rates", ratesJson(s));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    }

    /** Per app and per target, over the last seconds: connections/s, bytes/s in and out. */
    private Map<String, Object> ratesJson(ProxyStatus s) {
        Map<String, Object> byApp = new LinkedHashMap<>();
        for (io.tcpmesh.proxy.routing.AppStats a : s.apps()) {
            Map<String, Object> app = new LinkedHashMap<>();
            app.put("app", rates.app(a.name()));
            Map<String, Object> targets = new LinkedHashMap<>();
            a.targets().forEach(t -> targets.put(t.target(), rates.target(a.name(), t.target())));
            app.put("targets", targets);
            byApp.put(a.name(), app);
        }
        return byApp;
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) {
        AdminEndpoint.send(ex, status, type, body);
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        if (rates != null) {
            rates.close();
        }
        if (http != null) {
            http.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
