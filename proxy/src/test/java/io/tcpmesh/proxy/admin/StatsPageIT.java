package io.tcpmesh.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.ProxyServer;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatsPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void statsListAppsInConfigOrderWithRatesAndSayWhyATargetIsDownInWords() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "zeta", "Ports": [0], "Targets": ["127.0.0.1:%d", "%s"]},
                              {"Name": "alpha", "Ports": [0], "Targets": ["%s"]},
                              {"Name": "mid", "Ports": [0], "Targets": ["%s"]}]}""".formatted(closed, echo.target(), echo.target(), echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("zeta").get(0);
            for (int i = 0; i < 10; i++) {
                assertThat(ProxyFixture.echoes(port, "hello " + i)).isTrue();
            }
            JsonNode stats = Timing.await("a rate for zeta", Duration.ofSeconds(10), () -> json(Http.get(running.adminAddress(), "/stats.json")),
                    s -> s != null && s.path("rates").path("zeta").path("app").path("connections").asDouble() > 0);
            List<String> order = new ArrayList<>();
            stats.get("apps").forEach(a -> order.add(a.get("name").asText()));
            assertThat(order).containsExactly("zeta", "alpha", "mid");
            JsonNode down = null;
            for (JsonNode t : stats.get("apps").get(0).get("targets")) {
                if (t.get("target").asText().endsWith(":" + closed)) {
                    down = t;
                }
            }
            assertThat(down).isNotNull();
            assertThat(down.get("state").asText()).isEqualTo("down");
            assertThat(down.get("reason").asText()).isEqualTo("connection refused");
            assertThat(stats.path("rates").path("zeta").path("targets").path(echo.target()).path("bytesIn").asDouble()).isPositive();

            String html = Http.get(running.adminAddress(), "/stats");
            assertThat(html).contains("conn/s").contains("in/s").contains("connection refused").doesNotContain("ConnectException");
            assertThat(html.indexOf("<caption>zeta")).isLessThan(html.indexOf("<caption>alpha"));
            assertThat(html.indexOf("<caption>alpha")).isLessThan(html.indexOf("<caption>mid"));
        }
    }

    private static JsonNode json(String response) {
        try {
            return response.startsWith("200 ") ? JSON.readTree(response.substring(4)) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
