package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReloadIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private static String roundTrip(Socket s, String text) throws Exception {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        return new String(in.readNBytes(text.length()), StandardCharsets.UTF_8);
    }

    @Test
    void reloadAddsAPortAndRemovesAnotherWhileALongConnectionStaysOpen() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO); TestBackend other = new TestBackend(TestBackend.Mode.ECHO)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "keep", "Ports": [0], "Targets": ["%1$s"]},
                              {"Name": "old", "Ports": [0], "Targets": ["%1$s"]}]}""".formatted(echo.target()));
            RunningService running = ProxyFixture.start(zk, file);
            ProxyServer proxy = ProxyFixture.server(running);
            int keep = proxy.ports("keep").get(0);
            int old = proxy.ports("old").get(0);
            try (Socket longLived = ProxyFixture.connect(old)) {
                assertThat(roundTrip(longLived, "before")).isEqualTo("before");
                ProxyFixture.write(dir, """
                        {"Apps": [{"Name": "keep", "Ports": [0], "Targets": ["%1$s", "%2$s"]},
                                  {"Name": "new", "Ports": [0], "Targets": ["%2$s"]}]}""".formatted(echo.target(), other.target()));
                Timing.await("the new app's port", Duration.ofSeconds(10), () -> proxy.ports("new"), p -> p.size() == 1);
                int added = proxy.ports("new").get(0);
                assertThat(proxy.ports("keep")).containsExactly(keep);
                assertThat(proxy.ports("old")).isEmpty();
                assertThat(ProxyFixture.echoes(added, "on the new port")).isTrue();
                assertThat(other.accepted()).isEqualTo(1);
                assertThatThrownBy(() -> ProxyFixture.connect(old).close()).isInstanceOf(ConnectException.class);
                assertThat(roundTrip(longLived, "after the reload")).isEqualTo("after the reload");
                assertThat(proxy.app("keep").targets()).hasSize(2);
                assertThat(ProxyFixture.reloader(running).succeeded()).isEqualTo(1);
            }
        }
    }

    @Test
    void sighupReloadsTheFile() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.ECHO); TestBackend b = new TestBackend(TestBackend.Mode.ECHO)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(a.target()));
            // the file is not polled in this test: only the signal reloads it
            RunningService running = ProxyFixture.start(zk, file, Duration.ofSeconds(5), Duration.ofHours(1));
            ProxyServer proxy = ProxyFixture.server(running);
            ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(b.target()));
            assertThat(ProxyFixture.reloader(running).succeeded()).isZero();
            Assumptions.assumeTrue(ProxyFixture.reloader(running).listensForHangup(), "SIGHUP is ignored in this JVM (run under nohup)");
            sun.misc.Signal.raise(new sun.misc.Signal("HUP")); // the same handler the real signal reaches
            Timing.await("the reload on SIGHUP", Duration.ofSeconds(10), () -> ProxyFixture.reloader(running).succeeded() == 1);
            assertThat(proxy.app("echo").targets()).extracting(t -> t.key()).containsExactly(b.target());
            assertThat(ProxyFixture.echoes(proxy.ports("echo").get(0), "after HUP")).isTrue();
            assertThat(b.accepted()).isEqualTo(1);
        }
    }

    @Test
    void badConfigurationAtReloadKeepsTheRunningOneAndIsCounted() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(echo.target()));
            RunningService running = ProxyFixture.start(zk, file);
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("echo").get(0);
            ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targetz": ["%s"]}]}""".formatted(echo.target()));
            Timing.await("the reload rejected", Duration.ofSeconds(10), () -> ProxyFixture.reloader(running).failed() == 1);
            assertThat(ProxyFixture.reloader(running).lastError()).contains("app 'echo': key 'Targetz': unknown key (did you mean 'Targets'?)");
            assertThat(proxy.ports("echo")).containsExactly(port);
            assertThat(ProxyFixture.echoes(port, "still here")).isTrue();
            assertThat(ProxyFixture.http(running.port(), "/metrics")).contains("tcpmesh_proxy_reloads_total{result=\"failed\"} 1.0");
        }
    }

    @Test
    void reloadWithAPortTakenChangesNothing() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.ECHO); TestBackend b = new TestBackend(TestBackend.Mode.ECHO);
             java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(a.target()));
            RunningService running = ProxyFixture.start(zk, file);
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("echo").get(0);
            ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]},
                              {"Name": "fresh", "Ports": [0], "Targets": ["%s"]},
                              {"Name": "clash", "Ports": [%d], "Targets": ["%s"]}]}"""
                    .formatted(b.target(), b.target(), taken.getLocalPort(), b.target()));
            Timing.await("the reload rejected", Duration.ofSeconds(10), () -> ProxyFixture.reloader(running).failed() == 1);
            assertThat(ProxyFixture.reloader(running).lastError()).contains("app 'clash' port " + taken.getLocalPort());
            assertThat(proxy.ports("fresh")).as("the port bound before the clash is released").isEmpty();
            assertThat(proxy.apps()).extracting(app -> app.name()).containsExactly("echo");
            assertThat(proxy.app("echo").targets()).extracting(t -> t.key()).containsExactly(a.target());
            assertThat(ProxyFixture.echoes(port, "unchanged")).isTrue();
        }
    }

    @Test
    void zooKeeperNodeOverridesTheFileWhileItExists() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.ECHO); TestBackend b = new TestBackend(TestBackend.Mode.ECHO)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(a.target()));
            RunningService running = ProxyFixture.start(zk, file);
            ProxyServer proxy = ProxyFixture.server(running);
            CuratorFramework client = zk.newClient();
            client.create().creatingParentsIfNeeded().forPath("/config/proxy", """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}, {"Name": "zk", "Ports": [0], "Targets": ["%s"]}]}"""
                    .formatted(b.target(), b.target()).getBytes(StandardCharsets.UTF_8));
            Timing.await("the ZooKeeper configuration", Duration.ofSeconds(10), () -> proxy.ports("zk"), p -> p.size() == 1);
            assertThat(proxy.app("echo").targets()).extracting(t -> t.key()).containsExactly(b.target());
            assertThat(ProxyFixture.echoes(proxy.ports("echo").get(0), "via zk")).isTrue();
            assertThat(b.accepted()).isEqualTo(1);

            client.delete().forPath("/config/proxy");
            Timing.await("back to the file", Duration.ofSeconds(10), () -> proxy.ports("zk"), List::isEmpty);
            assertThat(proxy.app("echo").targets()).extracting(t -> t.key()).containsExactly(a.target());
        }
    }
}
