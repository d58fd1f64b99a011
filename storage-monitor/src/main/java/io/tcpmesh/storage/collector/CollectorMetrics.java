package io.tcpmesh.storage.collector;

import com.google.inject.Inject;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.admin.ConnectionMetrics;
import io.tcpmesh.coordination.admin.MetricsSource;

/** The storage collector's /metrics: connections and bytes, runs, agents by state, messages stored and duplicated, protocol errors. */
final class CollectorMetrics implements MetricsSource {
    private final CollectorServer server;
    private final Collector collector;

    @Inject
    CollectorMetrics(CollectorServer server, Collector collector) {
        this.server = server;
        this.collector = collector;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        CollectorCounters c = collector.counters();
        new ConnectionMetrics().listener("node", server.acceptor()).register(registry);
        GaugeWithCallback.builder().name("tcpmesh_storage_runs").help("Runs this collector knows (open and finished)")
                .callback(cb -> cb.call(c.runs())).register(registry);
        GaugeWithCallback.builder().name("tcpmesh_storage_agents").help("Agents of every run, by state").labelNames("state")
                .callback(cb -> c.agents().forEach((s, n) -> cb.call(n, s.name().toLowerCase()))).register(registry);
        CounterWithCallback.builder().name("tcpmesh_storage_messages_stored").help("Agent messages stored")
                .callback(cb -> cb.call(c.stored())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_storage_messages_duplicate").help("Agent messages received again and not stored twice")
                .callback(cb -> cb.call(c.duplicates())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_storage_protocol_errors").help("Sessions closed on a protocol error")
                .callback(cb -> cb.call(c.protocolErrors())).register(registry);
    }
}
