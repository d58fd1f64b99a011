package io.tcpmesh.numbers;

import com.google.inject.Inject;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpmesh.coordination.admin.ConnectionMetrics;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.numbers.codec.ErrorCode;

/**
 * A numbers server's /metrics: connections and bytes, streams active, sessions resumed and expired,
 * and connections refused, by error code ({@code code="full"} is the connection cap).
 */
final class NumbersMetrics implements MetricsSource {
    private final NumbersServer server;

    @Inject
    NumbersMetrics(NumbersServer server) {
        this.server = server;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        NumbersCounters counters = server.counters();
        new ConnectionMetrics().listener("node", server.acceptor(), () -> counters.refused(ErrorCode.FULL)).register(registry);
        GaugeWithCallback.builder().name("tcpmesh_numbers_sessions_active").help("Stateful sessions this server streams now")
                .callback(cb -> cb.call(server.streamingSessions())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_numbers_sessions_resumed").help("Stateful sessions resumed after a reconnection")
                .callback(cb -> cb.call(counters.resumed())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_numbers_sessions_expired").help("Sessions deleted by the sweep after their expiry")
                .callback(cb -> cb.call(counters.expired())).register(registry);
        CounterWithCallback.builder().name("tcpmesh_numbers_refused").help("Connections refused with an ERR line, by error code")
                .labelNames("code").callback(cb -> {
                    for (ErrorCode code : ErrorCode.values()) {
                        cb.call(counters.refused(code), code.wire());
                    }
                }).register(registry);
    }
}
