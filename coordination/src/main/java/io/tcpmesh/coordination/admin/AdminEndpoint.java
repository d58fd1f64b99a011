package io.tcpmesh.coordination.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A service's admin HTTP endpoint (the JDK's HTTP server, on two daemon threads of its own, never an
 * I/O thread): {@code GET /health} answers 200 {@code ok} or 503 with the reason ({@code draining}, or
 * the service's {@link HealthCheck} problem); {@code GET /metrics} the registry in the Prometheus text
 * format. Started by the bootstrap when {@code --admin-port} is given; closed by it after the service.
 */
public final class AdminEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);

    private final InetSocketAddress address;
    private final PrometheusRegistry registry;
    private final Supplier<String> problem;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private HttpServer http;
    private ExecutorService executor;

    /** {@code problem} returns why the service is not healthy now, or null. */
    public AdminEndpoint(InetSocketAddress address, PrometheusRegistry registry, Supplier<String> problem) {
        this.address = Objects.requireNonNull(address, "address cannot be null");
        this.registry = Objects.requireNonNull(registry, "registry cannot be null");
        this.problem = Objects.requireNonNull(problem, "problem cannot be null");
    }

    /** Binds and serves; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        try {
            http = HttpServer.create(address, 64);
        } catch (BindException e) {
            throw (BindException) new BindException("admin port: cannot bind " + address.getAddress().getHostAddress()
                    + ":" + address.getPort() + ": " + e.getMessage()).initCause(e);
        }
        executor = Executors.newFixedThreadPool(2, DaemonThreads.named("admin-http"));
        http.setExecutor(executor);
        http.createContext("/health", this::health);
        http.createContext("/metrics", this::metrics);
        http.createContext("/", ex -> send(ex, 404, "text/plain; charset=utf-8", "try /health or /metrics\n"));
        http.start();
        return http.getAddress();
    }

    private void health(HttpExchange ex) {
        String why = problemNow();
        send(ex, why == null ? 200 : 503, "text/plain; charset=utf-8", (why == null ? "ok" : why) + "\n");
    }

    private String problemNow() {
        try {
            return problem.get();
        } catch (RuntimeException e) {
            return "health check failed: " + e.getMessage();
        }
    }

    private void metrics(HttpExchange ex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException | RuntimeException e) {
            log.warn("metrics scrape failed: {}", e.toString());
            send(ex, 500, "text/plain; charset=utf-8", "metrics scrape failed\n");
            return;
        }
        send(ex, 200, writer.getContentType(), out.toByteArray());
    }

    private static void send(HttpExchange ex, int status, String type, String body) {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers one admin request (no body for HEAD), uncached; a client that went away is only logged at debug. */
    public static void send(HttpExchange ex, int status, String type, byte[] body) {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("admin response failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
