package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.Registration;
import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedZooKeeperIT {
    @TempDir
    Path data;

    private EmbeddedZooKeeper start() throws Exception {
        return new EmbeddedZooKeeper("127.0.0.1", 0, data, EmbeddedZooKeeper.DEFAULT_TICK).start(Timing.seconds(30));
    }

    @Test
    void servesARealClientAndGrantsTheDefaultSessionTimeout() throws Exception {
        try (EmbeddedZooKeeper server = start();
             CuratorFramework client = ZooKeeperClients.start(ZooKeeperConfig.of(server.connectString(), "/tcpmesh"))) {
            assertThat(server.port()).isPositive();
            assertThat(EmbeddedZooKeeper.isServing("127.0.0.1", server.port(), Duration.ofSeconds(2))).isTrue();

            client.create().creatingParentsIfNeeded().forPath("/config/proxy", "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(new String(client.getData().forPath("/config/proxy"), StandardCharsets.UTF_8)).isEqualTo("{}");
            assertThat(ZooKeeperClients.negotiatedTimeout(client)).isEqualTo(5000);
        }
    }

    @Test
    void aTakenPortIsABindExceptionNamingTheAddress() throws Exception {
        try (EmbeddedZooKeeper first = start()) {
            EmbeddedZooKeeper second = new EmbeddedZooKeeper("127.0.0.1", first.port(), data.resolve("second"), EmbeddedZooKeeper.DEFAULT_TICK);
            assertThatThrownBy(() -> second.start(Timing.seconds(30)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void zkcliListsARegisteredService() throws Exception {
        try (EmbeddedZooKeeper server = start();
             CuratorFramework client = ZooKeeperClients.start(ZooKeeperConfig.of(server.connectString(), "/tcpmesh"));
             ServiceRegistry registry = new ServiceRegistry(client).start()) {
            Registration registration = registry.register("md5", "md5-7001", "127.0.0.1", 7001,
                    new InstanceDetails("md5-7001", "test", 1L, Map.of()));
            Timing.await("registered", Duration.ofSeconds(10), registration::isRegistered);

            String out = run(Path.of("..", "dist", "zkcli.sh").toAbsolutePath().normalize().toString(),
                    "--zk", server.connectString(), "ls", "/tcpmesh/services/md5");

            assertThat(out).contains("[md5-7001]");
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCPMESH_CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(Timing.seconds(60).toSeconds(), TimeUnit.SECONDS)).as("zkcli finished").isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("zkcli exit code; output:%n%s", text).isZero();
        return text;
    }
}
