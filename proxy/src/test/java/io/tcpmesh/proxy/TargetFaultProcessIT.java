package io.tcpmesh.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.load.LoadCommand;
import io.tcpmesh.proxy.testing.Md5Process;
import io.tcpmesh.proxy.testing.ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real md5-service processes behind the proxy, under the load tester's md5 mode with 8 connections:
 * one node frozen for 15 s (SIGSTOP, then SIGCONT), or killed with SIGKILL. With ResponseTimeout and
 * RetryOnNoResponse, no request fails. The latency figures are printed for docs/proxy.md, not asserted.
 */
class TargetFaultProcessIT {
    private static final String APP = """
            {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"], "Balancing": "least-connections",
              "ConnectTimeout": "1s", "ResponseTimeout": "2s", "RetryOnNoResponse": true}]}""";

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private final List<Md5Process> nodes = new ArrayList<>();
    private ProxyServer proxy;

    private int startCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes.add(zk.track(Md5Process.start(zk)));
        }
        RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, APP));
        proxy = ProxyFixture.server(running);
        Timing.await("the proxy discovers the three nodes", Duration.ofSeconds(15),
                () -> proxy.app("md5").targets().size() == 3);
        return proxy.ports("md5").get(0);
    }

    @Test
    void nodeFrozenFor15SecondsUnderLoadFailsNoRequest() throws Exception {
        int port = startCluster();
        CompletableFuture<JsonNode> load = load(port, "24s");
        awaitRequests();
        Md5Process frozen = nodes.get(0);
        frozen.freeze();
        Thread.sleep(15_000); // the fault itself lasts 15 s: this is its length, not a synchronisation
        frozen.thaw();
        JsonNode summary = load.get(2, TimeUnit.MINUTES);
        System.out.println("frozen 15 s: " + summary);
        assertThat(summary.path("errors").asLong()).as("failed requests in %s", summary).isZero();
        assertThat(summary.path("requests").asLong()).isPositive();
    }

    @Test
    void nodeKilledUnderLoadFailsNoRequest() throws Exception {
        int port = startCluster();
        CompletableFuture<JsonNode> load = load(port, "12s");
        awaitRequests();
        nodes.get(1).kill();
        JsonNode summary = load.get(2, TimeUnit.MINUTES);
        System.out.println("kill -9: " + summary);
        assertThat(summary.path("errors").asLong()).as("failed requests in %s", summary).isZero();
        assertThat(summary.path("requests").asLong()).isPositive();
    }

    /** The load starts within the first seconds; wait until every node has taken requests. */
    private void awaitRequests() {
        Timing.await("every node took requests through the proxy", Duration.ofSeconds(20),
                () -> proxy.app("md5").targets().stream().allMatch(t -> t.stats().total() > 10));
    }

    private CompletableFuture<JsonNode> load(int port, String duration) {
        Path json = dir.resolve("load-" + System.nanoTime() + ".json");
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = LoadCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
                    "--mode", "md5", "-c", "8", "-d", duration, "--timeout", "30s", "--drain", "30s", "-q",
                    "--json", json.toString(), "127.0.0.1:" + port);
            try {
                System.out.println(out.toString(StandardCharsets.UTF_8));
                JsonNode summary = new ObjectMapper().readTree(json.toFile()).path("runs").get(0).path("summary");
                assertThat(code).as("load exit code; output:%n%s", out).isIn(0, 1);
                return summary;
            } catch (java.io.IOException e) {
                throw new IllegalStateException("no report from the load tester: " + out, e);
            }
        });
    }
}
