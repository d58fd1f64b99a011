package io.tcpmesh.proxy.admin;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.TargetStats;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's Prometheus metrics. Every value is read from the proxy's own counters when scraped, so the
 * forwarding path pays for one counter each, not for two.
 */
public final class ProxyMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Supplier<ProxyStatus> status;
    private volatile ProxyStatus current;

    /** Reads one status per scrape ({@link #write}); every metric's callback reads that one. */
    public ProxyMetrics(Supplier<ProxyStatus> status) {
        this.status = status;
        JvmMetrics.builder().register(registry);
        appGauge("tcpmesh_proxy_connections_active", "Open client connections", a -> a.active());
        appCounter("tcpmesh_proxy_connections", "Client connections accepted", a -> a.total());
        appCounter("tcpmesh_proxy_connections_rejected", "Client connections closed at once by a connection cap", a -> a.rejected());
        appCounter("tcpmesh_proxy_connections_failed", "Client connections no target could take", a -> a.failed());
        targetGauge("tcpmesh_proxy_target_up", "1 when the target is in rotation", t -> "up".equals(t.state()) ? 1 : 0);
        targetGauge("tcpmesh_proxy_target_connections_active", "Open connections to the target", TargetStats::active);
        targetCounter("tcpmesh_proxy_target_connections", "Connections made to the target", TargetStats::total);
        targetCounter("tcpmesh_proxy_target_bytes_in", "Bytes from clients to the target", TargetStats::bytesIn);
        targetCounter("tcpmesh_proxy_target_bytes_out", "Bytes from the target to clients", TargetStats::bytesOut);
        targetCounter("tcpmesh_proxy_target_connect_failures", "Failed connection attempts to the target", TargetStats::connectFailures);
        targetCounter("tcpmesh_proxy_target_retries", "Attempts on the target after another target failed", TargetStats::retries);
        tlsMetrics();
        GaugeWithCallback.builder().name("tcpmesh_proxy_queued_bytes").help("Bytes waiting in the proxy's write queues")
                .callback(cb -> cb.call(current.queuedBytes())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_proxy_reloads").help("Configuration reloads by result")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(current.reloads().succeeded(), "ok");
                    cb.call(current.reloads().failed(), "failed");
                }).register(registry);
        CounterWithCallback.builder().name("tcpmesh_proxy_connections_rejected_global")
                .help("Client connections closed at once by the global connection cap")
                .callback(cb -> cb.call(current.rejectedConnections())).register(registry);
    }

    /** Per app and side ({@code clients}: Tls, {@code targets}: TargetTls). */
    private void tlsMetrics() {
        CounterWithCallback.builder().name("tcpmesh_proxy_tls_handshakes_started").help("TLS handshakes begun")
                .labelNames("app", "side")
                .callback(cb -> current.tls().forEach(t -> cb.call(t.started(), t.app(), t.side()))).register(registry);
        CounterWithCallback.builder().name("tcpmesh_proxy_tls_handshakes").help("TLS handshakes completed, by TLS version")
                .labelNames("app", "side", "version")
                .callback(cb -> current.tls().forEach(t -> t.completed().forEach((v, n) -> cb.call(n, t.app(), t.side(), v))))
                .register(registry);
        CounterWithCallback.builder().name("tcpmesh_proxy_tls_handshake_failures")
                .help("TLS handshakes failed, by reason (timeout: not finished within the handshake deadline)")
                .labelNames("app", "side", "reason")
                .callback(cb -> current.tls().forEach(t -> t.failed().forEach((r, n) -> cb.call(n, t.app(), t.side(), r))))
                .register(registry);
    }

    private void appGauge(String name, String help, ToDoubleFunction<AppStats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("app")
                .callback(cb -> eachApp((a, s) -> cb.call(value.applyAsDouble(a), a.name()))).register(registry);
    }

    private void appCounter(String name, String help, ToDoubleFunction<AppStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("app")
                .callback(cb -> eachApp((a, s) -> cb.call(value.applyAsDouble(a), a.name()))).register(registry);
    }

    private void targetGauge(String name, String help, ToDoubleFunction<TargetStats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("app", "target")
                .callback(cb -> eachTarget((a, t) -> cb.call(value.applyAsDouble(t), a.name(), t.target()))).register(registry);
    }

    private void targetCounter(String name, String help, ToDoubleFunction<TargetStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("app", "target")
                .callback(cb -> eachTarget((a, t) -> cb.call(value.applyAsDouble(t), a.name(), t.target()))).register(registry);
    }

    private void eachApp(BiConsumer<AppStats, Void> action) {
        for (AppStats a : current.apps()) {
            action.accept(a, null);
        }
    }

    private void eachTarget(BiConsumer<AppStats, TargetStats> action) {
        List<AppStats> apps = current.apps();
        for (AppStats a : apps) {
            for (TargetStats t : a.targets()) {
                action.accept(a, t);
            }
        }
    }

    public String contentType() {
        return writer.getContentType();
    }

    public synchronized void write(OutputStream out) throws IOException {
        current = status.get();
        writer.write(out, registry.scrape());
    }
}
