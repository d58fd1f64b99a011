package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EchoMetricsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void leaderGaugeAndMasterPortSessionsAreOnMetrics() throws Exception {
        try (EchoNodes nodes = new EchoNodes(zk).withAdmin()) {
            RunningService leader = nodes.start();
            Timing.await("leading", Duration.ofSeconds(10), () -> EchoNodes.echo(leader).servesMasterPort());
            RunningService follower = nodes.start();
            byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(EchoNodes.echoOnce(nodes.masterPort(), hello)).isEqualTo(hello);
            assertThat(EchoNodes.echoOnce(leader.port(), hello)).isEqualTo(hello);

            String metrics = Timing.await("master session counted", Duration.ofSeconds(5), () -> Http.get(leader.adminAddress(), "/metrics"),
                    m -> m.contains("tcpmesh_connections_total{listener=\"master\"} 1.0"));
            assertThat(metrics).contains("tcpmesh_echo_leader 1.0").contains("tcpmesh_connections_total{listener=\"node\"} 1.0")
                    .contains("tcpmesh_received_bytes_total{listener=\"master\"} 6.0");
            assertThat(Http.get(follower.adminAddress(), "/metrics")).contains("tcpmesh_echo_leader 0.0")
                    .contains("tcpmesh_connections_total{listener=\"master\"} 0.0");
        }
    }
}
