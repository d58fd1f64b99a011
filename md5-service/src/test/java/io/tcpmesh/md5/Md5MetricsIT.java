package io.tcpmesh.md5;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.tcpmesh.md5.Md5Client.request;
import static org.assertj.core.api.Assertions.assertThat;

class Md5MetricsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void metricsCountDigestsTheirSizesAndBytes() throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .drainTimeout(Duration.ofSeconds(1)).adminPort(0);
        try (RunningService md5 = ServiceLauncher.start(Md5ServiceCommand.SERVICE, options, new Md5Module(Md5Config.defaults()))) {
            request(md5.port(), new byte[100]);
            request(md5.port(), new byte[5000]);
            String metrics = Timing.await("two digests counted", Duration.ofSeconds(5), () -> Http.get(md5.adminAddress(), "/metrics"),
                    m -> m.contains("tcpmesh_md5_digests_total 2.0"));
            assertThat(metrics).startsWith("200 ")
                    .contains("tcpmesh_md5_hashed_bytes_total 5100.0")
                    .contains("tcpmesh_md5_digest_input_bytes_bucket{le=\"256.0\"} 1")
                    .contains("tcpmesh_md5_digest_input_bytes_bucket{le=\"16384.0\"} 2")
                    .contains("tcpmesh_md5_digest_input_bytes_sum 5100.0")
                    .contains("tcpmesh_connections_total{listener=\"node\"} 2.0")
                    .contains("tcpmesh_received_bytes_total{listener=\"node\"} 5100.0")
                    .contains("tcpmesh_sent_bytes_total{listener=\"node\"} 66.0")
                    .contains("tcpmesh_connections_rejected_total{listener=\"node\"} 0.0");
            assertThat(Http.get(md5.adminAddress(), "/health")).isEqualTo("200 ok\n");
        }
    }
}
