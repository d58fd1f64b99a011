package io.tcpmesh.md5;

import com.google.inject.Inject;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.admin.ConnectionMetrics;
import io.tcpmesh.coordination.admin.MetricsSource;

import java.util.function.LongSupplier;

/** The md5-service's /metrics: connections and bytes of its port, digests answered and their sizes. */
final class Md5Metrics implements MetricsSource {
    private final Md5Server server;
    private final Md5Stats stats;

    @Inject
    Md5Metrics(Md5Server server, Md5Stats stats) {
        this.server = server;
        this.stats = stats;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        new ConnectionMetrics().listener("node", server.acceptor(), stats::rejected).register(registry);
        counter(registry, "tcpmesh_md5_digests", "Connections answered with a digest", stats::answered);
        counter(registry, "tcpmesh_md5_hashed_bytes", "Bytes hashed", stats::bytes);
        counter(registry, "tcpmesh_md5_connections_idle", "Connections closed unanswered after the idle timeout", stats::idle);
        counter(registry, "tcpmesh_md5_connections_abandoned", "Connections that ended before the client half-closed", stats::abandoned);
        registry.register(stats.digestSizes);
    }

    private static void counter(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }
}
