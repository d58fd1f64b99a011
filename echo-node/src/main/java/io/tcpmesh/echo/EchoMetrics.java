package io.tcpmesh.echo;

import com.google.inject.Inject;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.admin.ConnectionMetrics;
import io.tcpmesh.coordination.admin.MetricsSource;

/**
 * An echo node's /metrics: connections and bytes of its node port ({@code listener="node"}) and of the
 * master port ({@code listener="master"}, counted only while it leads), and {@code tcpmesh_echo_leader}.
 */
final class EchoMetrics implements MetricsSource {
    private final EchoNode echo;

    @Inject
    EchoMetrics(EchoNode echo) {
        this.echo = echo;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        new ConnectionMetrics().listener("node", echo.nodePort().acceptor())
                .listener("master", echo.masterPort().acceptor()).register(registry);
        GaugeWithCallback.builder().name("tcpmesh_echo_leader").help("1 while this node leads and serves the master port")
                .callback(cb -> cb.call(echo.servesMasterPort() ? 1 : 0)).register(registry);
    }
}
