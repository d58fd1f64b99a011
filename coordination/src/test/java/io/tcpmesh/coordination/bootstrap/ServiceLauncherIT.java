package io.tcpmesh.coordination.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceLauncherIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    /** A service that accepts connections and does nothing with them. */
    static final class QuietModule extends AbstractModule {
        @Provides
        @Singleton
        TcpService service(Node node, ServiceOptions options) {
            return new MinaTcpServer(node, options.bindAddress(), new IoHandlerAdapter(), 1);
        }
    }

    @Command(name = "quiet", mixinStandardHelpOptions = true)
    static final class QuietCommand implements Callable<Integer> {
        @Mixin
        ServiceOptions options = new ServiceOptions(0);

        @Override
        public Integer call() throws Exception {
            try (RunningService ignored = ServiceLauncher.start("quiet", options, new QuietModule())) {
                return ExitCodes.OK;
            }
        }
    }

    private ServiceOptions options() {
        return new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .zkSessionTimeout(Duration.ofSeconds(2)).drainTimeout(Duration.ofMillis(200));
    }

    @Test
    void registersTheBoundPortUnderItsNodeIdAndDeregistersOnClose() throws Exception {
        CuratorFramework observer = zk.newClient();
        ServiceWatch watch = zk.track(new ServiceRegistry(observer).start()).watch("quiet");

        RunningService running = ServiceLauncher.start("quiet", options(), new QuietModule());
        List<Instance> seen = Timing.await("registered", Duration.ofSeconds(5), watch::instances, l -> l.size() == 1);

        assertThat(running.port()).isPositive();
        assertThat(running.node().name()).isEqualTo("quiet-" + running.port());
        assertThat(seen.get(0).port()).isEqualTo(running.port());
        assertThat(seen.get(0).id()).isEqualTo("quiet-" + running.port());
        assertThat(seen.get(0).details().nodeId()).isEqualTo("quiet-" + running.port());

        running.node().attribute("leader", "true");
        Timing.await("attribute published", Duration.ofSeconds(5),
                () -> watch.instances().size() == 1 && "true".equals(watch.instances().get(0).details().attribute("leader")));

        running.close();
        Timing.await("deregistered", Duration.ofSeconds(1), () -> watch.allInstances().isEmpty());
    }

    @Test
    void exitCodesNameWhatWasWrong() throws Exception {
        assertThat(run("--port", "seventy")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(err).contains("quiet:").contains("--port");
        assertThat(run("--zk", "nohostport")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(err).contains("--zk").contains("host:port");
        assertThat(run("--port", "70000")).isEqualTo(ExitCodes.BAD_OPTIONS);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(run("--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()),
                    "--zk", zk.connectString(), "--zk-root", zk.root())).isEqualTo(ExitCodes.BIND_FAILED);
            assertThat(err).contains("cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(out).contains("--zk").contains("--advertise").contains("--drain-timeout");
    }

    @Test
    void aServiceGivenAnotherSecretThanTheClustersFailsAtStartSayingSo(@TempDir Path dir) throws Exception {
        Path right = Files.writeString(dir.resolve("right"), "0123456789abcdef0123456789abcdef\n");
        Path wrong = Files.writeString(dir.resolve("wrong"), "fedcba9876543210fedcba9876543210\n");
        try (RunningService first = ServiceLauncher.start("quiet", options().zkAuth(right), new QuietModule())) {
            assertThat(first.port()).isPositive();

            assertThat(run("--bind", "127.0.0.1", "--port", "0", "--zk", zk.connectString(), "--zk-root", zk.root(),
                    "--zk-auth", wrong.toString())).as(err).isEqualTo(ExitCodes.BAD_OPTIONS);
            assertThat(err).contains("quiet: --zk-auth: the secret in " + wrong
                    + " does not match the one this cluster's nodes were created with");
            assertThat(err + out).doesNotContain("fedcba9876543210").doesNotContain("0123456789abcdef");
        }
    }

    @Test
    void aMissingSecretFileIsABadOption(@TempDir Path dir) {
        assertThat(run("--zk", zk.connectString(), "--zk-auth", dir.resolve("none").toString())).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(err).contains("quiet: --zk-auth: " + dir.resolve("none") + " does not exist");
        assertThat(run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(out).contains("--zk-auth").contains("TCPMESH_ZK_AUTH");
    }

    @Test
    void aServiceWithTheSecretRegistersAndItsNodeIsReadOnlyForOthers(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("zk-auth"), "0123456789abcdef0123456789abcdef\n");
        CuratorFramework observer = zk.newClient();
        ServiceWatch watch = zk.track(new ServiceRegistry(observer).start()).watch("quiet");

        try (RunningService running = ServiceLauncher.start("quiet", options().zkAuth(secret), new QuietModule())) {
            Timing.await("registered", Duration.ofSeconds(10), () -> watch.instances().size() == 1);
            String node = ServiceRegistry.SERVICES_PATH + "/quiet/" + running.node().name();
            assertThatThrownBy(() -> observer.setData().forPath(node, "{}".getBytes()))
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
        }
        Timing.await("deregistered", Duration.ofSeconds(5), () -> watch.allInstances().isEmpty());
    }

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return ServiceLauncher.execute(new QuietCommand(), args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
        }
    }
}
