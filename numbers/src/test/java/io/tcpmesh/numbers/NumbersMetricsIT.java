package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.codec.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.tcpmesh.numbers.NumbersServers.FAST;
import static io.tcpmesh.numbers.NumbersServers.at;
import static io.tcpmesh.numbers.NumbersServers.options;
import static io.tcpmesh.numbers.NumbersServers.receive;
import static org.assertj.core.api.Assertions.assertThat;

class NumbersMetricsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private RunningService start(NumbersConfig config) throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .drainTimeout(Duration.ofSeconds(1)).adminPort(0);
        return zk.track(ServiceLauncher.start("numbers", options, new NumbersModule(config)));
    }

    @Test
    void metricsCountResumedSessionsAndRefusalsByCode() throws Exception {
        RunningService server = start(FAST.withFailures(5, Duration.ZERO));
        ClientResult result = receive(options(Variant.STATEFUL, 20), at(server));
        assertThat(result.outcome()).as(result.detail()).isEqualTo(ClientResult.Outcome.OK);
        try (LineClient c = new LineClient(server.port())) {
            assertThat(c.sendLine("GARBAGE").readAll()).first().asString().startsWith("ERR malformed");
        }
        String metrics = Timing.await("the refusal counted", Duration.ofSeconds(5), () -> Http.get(server.adminAddress(), "/metrics"),
                m -> m.contains("tcpmesh_numbers_refused_total{code=\"malformed\"} 1.0"));
        assertThat(metrics).contains("tcpmesh_numbers_refused_total{code=\"full\"} 0.0")
                .contains("tcpmesh_numbers_sessions_active 0.0")
                .contains("tcpmesh_numbers_sessions_expired_total 0.0")
                .contains("tcpmesh_connections_total{listener=\"node\"} " + (result.connections() + 1) + ".0");
        // 20 messages, a drop every 5: the client resumed at least three times
        assertThat(value(metrics, "tcpmesh_numbers_sessions_resumed_total ")).isGreaterThanOrEqualTo(3);
    }

    private static double value(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(-1);
    }

    @Test
    void healthIs503WhileTheSessionStoreIsUnreachable() throws Exception {
        RunningService server = start(FAST);
        Timing.await("healthy", Duration.ofSeconds(10), () -> Http.get(server.adminAddress(), "/health"), "200 ok\n"::equals);
        zk.stop();
        Timing.await("503 without ZooKeeper", Duration.ofSeconds(10), () -> Http.get(server.adminAddress(), "/health"),
                h -> h.startsWith("503 session store unavailable"));
        zk.restart();
        Timing.await("healthy again", Duration.ofSeconds(20), () -> Http.get(server.adminAddress(), "/health"), "200 ok\n"::equals);
    }
}
