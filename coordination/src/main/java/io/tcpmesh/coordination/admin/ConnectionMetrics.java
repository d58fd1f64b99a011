package io.tcpmesh.coordination.admin;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.mina.core.service.IoService;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The metrics every tcpmesh service has, one series per listener (such as {@code node} or
 * {@code master}), read from MINA's own statistics of each acceptor when scraped:
 * {@code tcpmesh_connections_active}, {@code tcpmesh_connections_total},
 * {@code tcpmesh_connections_rejected_total}, {@code tcpmesh_received_bytes_total},
 * {@code tcpmesh_sent_bytes_total}.
 */
public final class ConnectionMetrics {
    private record Listener(IoService acceptor, LongSupplier rejected) {
    }

    private final Map<String, Listener> listeners = new LinkedHashMap<>();

    /** Adds a listener; {@code rejected} counts connections the service closed at once (a connection cap). */
    public ConnectionMetrics listener(String name, IoService acceptor, LongSupplier rejected) {
        listeners.put(name, new Listener(acceptor, rejected));
        return this;
    }

    public ConnectionMetrics listener(String name, IoService acceptor) {
        return listener(name, acceptor, () -> 0);
    }

    public void register(PrometheusRegistry registry) {
        gauge(registry, "tcpmesh_connections_active", "Open connections", l -> l.acceptor().getManagedSessionCount());
        counter(registry, "tcpmesh_connections", "Connections accepted",
                l -> l.acceptor().getStatistics().getCumulativeManagedSessionCount());
        counter(registry, "tcpmesh_connections_rejected", "Connections closed at once by a connection cap",
                l -> l.rejected().getAsLong());
        counter(registry, "tcpmesh_received_bytes", "Bytes received from clients",
                l -> l.acceptor().getStatistics().getReadBytes());
        counter(registry, "tcpmesh_sent_bytes", "Bytes sent to clients",
                l -> l.acceptor().getStatistics().getWrittenBytes());
    }

    private void gauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Listener> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("listener")
                .callback(cb -> listeners.forEach((n, l) -> cb.call(value.applyAsDouble(l), n))).register(registry);
    }

    private void counter(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Listener> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("listener")
                .callback(cb -> listeners.forEach((n, l) -> cb.call(value.applyAsDouble(l), n))).register(registry);
    }
}
