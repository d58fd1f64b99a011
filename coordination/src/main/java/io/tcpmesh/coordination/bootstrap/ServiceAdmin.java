package io.tcpmesh.coordination.bootstrap;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.Version;
import io.tcpmesh.coordination.admin.AdminEndpoint;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.coordination.admin.MetricsSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The bootstrap's part of the admin endpoint: builds the registry (JVM metrics, {@code tcpmesh_info},
 * the service's {@link MetricsSource}s), starts the endpoint, and publishes its address as the
 * {@value #ATTRIBUTE} attribute ({@code host:port}) of the node's ZooKeeper payload.
 */
final class ServiceAdmin {
    /** The payload attribute that holds the admin endpoint's {@code host:port}. */
    static final String ATTRIBUTE = "admin";

    private ServiceAdmin() {
    }

    /** Starts the endpoint when {@code --admin-port} was given; returns it (the caller closes it), or null. */
    static AdminEndpoint start(Injector injector, Node node, ServiceOptions options, InetSocketAddress serviceAddress,
                               BooleanSupplier draining) throws IOException {
        if (options.adminServedByService()) {
            node.attribute(ATTRIBUTE, options.advertisedAdminHost() + ":" + serviceAddress.getPort());
            return null;
        }
        Optional<InetSocketAddress> address = options.adminAddress();
        if (address.isEmpty()) {
            return null;
        }
        PrometheusRegistry registry = registry(injector, node);
        Optional<HealthCheck> check = injector.getInstance(Key.get(new TypeLiteral<Optional<HealthCheck>>() { }));
        AdminEndpoint endpoint = new AdminEndpoint(address.get(), registry,
                () -> draining.getAsBoolean() ? "draining" : check.map(HealthCheck::problem).orElse(null));
        InetSocketAddress bound = endpoint.start();
        node.attribute(ATTRIBUTE, options.advertisedAdminHost() + ":" + bound.getPort());
        return endpoint;
    }

    private static PrometheusRegistry registry(Injector injector, Node node) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder().name("tcpmesh_info").help("Which service, node and version this process is")
                .labelNames("service", "node", "version")
                .callback(cb -> cb.call(1, node.service(), node.name(), Version.current())).register(registry);
        GaugeWithCallback.builder().name("tcpmesh_start_time_seconds").help("When the process started, in seconds since the epoch")
                .callback(cb -> cb.call(node.startedAt() / 1000.0)).register(registry);
        for (MetricsSource source : injector.getInstance(Key.get(new TypeLiteral<Set<MetricsSource>>() { }))) {
            source.register(registry);
        }
        return registry;
    }
}
