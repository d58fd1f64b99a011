package io.tcpmesh.coordination.admin;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A service's own metrics on {@code /metrics}. A service module adds one with
 * {@code Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(...)}; the bootstrap
 * registers it once, after the service's port is bound, when the admin endpoint is on.
 *
 * <p>Metrics should read the service's own counters when scraped (callback metrics), so the serving
 * path pays nothing for them. Callbacks run on an admin HTTP thread.
 */
@FunctionalInterface
public interface MetricsSource {
    void register(PrometheusRegistry registry);
}
