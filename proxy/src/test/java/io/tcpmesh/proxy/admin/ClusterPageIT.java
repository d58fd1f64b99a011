package io.tcpmesh.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.echo.EchoConfig;
import io.tcpmesh.echo.EchoModule;
import io.tcpmesh.proxy.testing.ProxyFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's cluster page against real echo nodes, and rendered by a real browser (headless Chromium). */
class ClusterPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private RunningService echo(int masterPort) throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .drainTimeout(Duration.ofMillis(200)).adminPort(0);
        return zk.track(ServiceLauncher.start("echo", options, new EchoModule(EchoConfig.of(masterPort, false, EchoConfig.DEFAULT_HIGH_WATER))));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void clusterPageListsEveryInstanceWithHealthLeaderAndTheProxysView() throws Exception {
        int master = freePort();
        RunningService leader = echo(master);
        Timing.await("a leader", Duration.ofSeconds(10), () -> "true".equals(leader.node().attributes().get("leader")));
        RunningService follower = echo(master);
        ServiceRegistry other = zk.track(new ServiceRegistry(zk.newClient()).start());
        other.register("md5", "md5-old", "127.0.0.1", 1, new InstanceDetails("md5-old", "0.0.9", System.currentTimeMillis(), Map.of()));
        RunningService proxy = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["discovery:echo"]}]}"""));
        String admin = proxy.adminAddress();

        JsonNode cluster = Timing.await("four instances, all asked", Duration.ofSeconds(20),
                () -> json(Http.get(admin, "/cluster.json")), c -> c != null && instances(c).size() == 4
                        && instances(c).stream().filter(i -> !i.get("id").asText().equals("md5-old"))
                                .allMatch(i -> i.get("health").asText().equals("ok"))
                        && instances(c).stream().filter(i -> i.get("id").asText().startsWith("echo-"))
                                .allMatch(i -> i.get("proxyView").size() == 1));
        assertThat(cluster.get("echoLeader").asText()).isEqualTo(leader.node().name());
        JsonNode l = instance(cluster, leader.node().name());
        assertThat(l.get("health").asText()).isEqualTo("ok");
        assertThat(l.get("admin").asText()).isEqualTo(leader.adminAddress());
        assertThat(l.get("leader").asBoolean()).isTrue();
        assertThat(l.get("version").asText()).isNotEqualTo("dev");
        assertThat(l.get("proxyView").get(0).get("app").asText()).isEqualTo("echo");
        assertThat(l.get("proxyView").get(0).get("state").asText()).isEqualTo("up");
        assertThat(instance(cluster, "md5-old").get("health").asText()).isEqualTo("no admin endpoint");
        assertThat(instance(cluster, proxy.node().name()).get("health").asText()).isEqualTo("ok");
        assertThat(cluster.get("proxy").asText()).isEqualTo(proxy.node().name());

        follower.close();
        Timing.await("the stopped node leaves the page", Duration.ofSeconds(20), () -> json(Http.get(admin, "/cluster.json")),
                c -> c != null && instances(c).size() == 3);

        String dom = browser("--dump-dom", "http://" + admin + "/cluster");
        if (dom == null) {
            return;
        }
        assertThat(dom).contains("data-id=\"" + leader.node().name() + "\"").contains("data-id=\"md5-old\"")
                .contains("data-id=\"" + proxy.node().name() + "\"").doesNotContain("data-id=\"" + follower.node().name() + "\"")
                .contains("<b id=\"echo-leader\">" + leader.node().name() + "</b>")
                .contains("<td class=\"health\">ok</td>").contains("<td class=\"health\">no admin endpoint</td>")
                .contains("echo: <span class=\"up\">up</span>");
        Path png = Path.of("target", "cluster-page.png").toAbsolutePath();
        browser("--screenshot=" + png, "--window-size=1280,800", "http://" + admin + "/cluster");
    }

    /** Runs headless Chromium; returns its standard output, or null (the test is then skipped) when it cannot run. */
    private String browser(String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (installed by .ci/run): browser check skipped");
        Path profile = Files.createTempDirectory(dir, "chromium");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(out.toFile())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Assumptions.abort("chromium did not finish within 60 s: browser check skipped");
        }
        if (p.exitValue() != 0) {
            String err = Files.readString(dir.resolve("chromium.err"), StandardCharsets.UTF_8);
            System.out.println("chromium could not run (exit " + p.exitValue() + "): " + err);
            Assumptions.abort("chromium could not run (exit " + p.exitValue() + "): browser check skipped");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String response) {
        try {
            return response.startsWith("200 ") ? JSON.readTree(response.substring(4)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<JsonNode> instances(JsonNode cluster) {
        List<JsonNode> all = new ArrayList<>();
        cluster.get("services").forEach(s -> s.get("instances").forEach(all::add));
        return all;
    }

    private static JsonNode instance(JsonNode cluster, String id) {
        return instances(cluster).stream().filter(i -> i.get("id").asText().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + cluster));
    }
}
