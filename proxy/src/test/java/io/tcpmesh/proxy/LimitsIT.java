package io.tcpmesh.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    /** Each socket sends one byte and gets it back: its connection is open and forwarded. */
    private static void echoOneByteEach(Socket... sockets) throws IOException {
        for (int i = 0; i < sockets.length; i++) {
            sockets[i].getOutputStream().write('1' + i);
        }
        for (int i = 0; i < sockets.length; i++) {
            assertThat(sockets[i].getInputStream().read()).isEqualTo('1' + i);
        }
    }

    private static boolean closedAtOnce(int port) throws IOException {
        try (Socket s = ProxyFixture.connect(port)) {
            try {
                return s.getInputStream().read() == -1;
            } catch (IOException reset) {
                return true;
            }
        }
    }

    @Test
    void connectionsPastTheAppCapAreClosedAtOnceAndCounted() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "capped", "Ports": [0], "Targets": ["%s"], "MaxConnections": 2}]}""".formatted(echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("capped").get(0);
            try (Socket one = ProxyFixture.connect(port); Socket two = ProxyFixture.connect(port)) {
                echoOneByteEach(one, two);
                assertThat(closedAtOnce(port)).isTrue();
                assertThat(proxy.app("capped").stats().rejected()).isEqualTo(1);
            }
            Timing.await("both released", Duration.ofSeconds(5), () -> proxy.activeConnections() == 0);
            assertThat(ProxyFixture.echoes(port, "room again")).isTrue();
        }
    }

    @Test
    void connectionsPastTheSourceCapAreClosedAtOnceAndOtherAddressesStillGetIn() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            String config = """
                    {"Apps": [{"Name": "capped", "Ports": [%d], "Targets": ["%s"], "MaxConnectionsPerSource": %d}]}""";
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, config.formatted(0, echo.target(), 2)));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("capped").get(0);
            try (Socket one = ProxyFixture.connect(port); Socket two = ProxyFixture.connect(port)) {
                echoOneByteEach(one, two);
                assertThat(closedAtOnce(port)).as("a third from 127.0.0.1").isTrue();
                assertThat(proxy.app("capped").stats().rejected()).isEqualTo(1);
                try (Socket other = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.0.2"), 0)) {
                    other.setSoTimeout(10_000);
                    other.getOutputStream().write('3');
                    assertThat(other.getInputStream().read()).as("another address has its own share").isEqualTo('3');
                }

                ProxyFixture.write(dir, config.formatted(0, echo.target(), 3)); // hot reload raises the cap
                Timing.await("the new cap in place", Duration.ofSeconds(10),
                        () -> proxy.app("capped").config().maxConnectionsPerSource() == 3);
                assertThat(ProxyFixture.echoes(port, "third")).isTrue();
            }
            Timing.await("all released", Duration.ofSeconds(5), () -> proxy.activeConnections() == 0);
            assertThat(proxy.app("capped").openFrom(InetAddress.getLoopbackAddress())).isZero();
        }
    }

    @Test
    void connectionsPastTheGlobalCapAreClosedAtOnceAndCounted() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"MaxConnections": 1, "Apps": [{"Name": "a", "Ports": [0], "Targets": ["%1$s"]},
                                                   {"Name": "b", "Ports": [0], "Targets": ["%1$s"]}]}""".formatted(echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            try (Socket one = ProxyFixture.connect(proxy.ports("a").get(0))) {
                one.getOutputStream().write('1');
                assertThat(one.getInputStream().read()).isEqualTo('1');
                assertThat(closedAtOnce(proxy.ports("b").get(0))).isTrue();
                assertThat(proxy.rejectedConnections()).isEqualTo(1);
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "idle", "Ports": [0], "Targets": ["%s"], "IdleTimeout": "1s"}]}""".formatted(echo.target())));
            try (Socket s = ProxyFixture.connect(ProxyFixture.server(running).ports("idle").get(0))) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
                long start = System.nanoTime();
                assertThat(s.getInputStream().read()).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(500));
            }
        }
    }

    @Test
    void gracefulShutdownDrainsOpenConnections() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"]}]}""".formatted(echo.target())), Duration.ofSeconds(20));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("echo").get(0);
            try (Socket open = ProxyFixture.connect(port)) {
                open.getOutputStream().write('a');
                assertThat(open.getInputStream().read()).isEqualTo('a');
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(running::close);
                Timing.await("stopped accepting", Duration.ofSeconds(10), proxy::isStopping);
                assertThat(ProxyFixture.http(running.port(), "/health")).startsWith("503");
                Timing.await("the port closed", Duration.ofSeconds(5), () -> {
                    try {
                        ProxyFixture.connect(port).close();
                        return false;
                    } catch (ConnectException refused) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
                open.getOutputStream().write('b');
                assertThat(open.getInputStream().read()).as("the open connection still works").isEqualTo('b');
                assertThat(stopping).isNotDone();
                open.shutdownOutput();
                assertThat(open.getInputStream().read()).isEqualTo(-1);
                stopping.get(Timing.seconds(5).toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Test
    void badConfigurationAtStartExitsWith2NamingTheProblem() throws Exception {
        Path file = ProxyFixture.write(dir, "{\"Apps\": [{\"Name\": \"md5\", \"Ports\": [7000], \"Targets\": [\"discovery:md5\"], \"Balance\": \"round-robin\"}]}");
        ProxyFixture.Exit exit = ProxyFixture.run("--config", file.toString(), "--zk", zk.connectString());
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr())
                .contains(file + ": app 'md5': key 'Balance': unknown key (did you mean 'Balancing'?)");
    }

    @Test
    void portTakenAtStartExitsWith3NamingAppAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path file = ProxyFixture.write(dir, "{\"Apps\": [{\"Name\": \"md5\", \"Ports\": [%d], \"Targets\": [\"127.0.0.1:1\"]}]}"
                    .formatted(taken.getLocalPort()));
            ProxyFixture.Exit exit = ProxyFixture.run("--config", file.toString(), "--zk", zk.connectString(),
                    "--zk-root", zk.root(), "--admin-port", "0", "--bind", "0.0.0.0");
            assertThat(exit.code()).isEqualTo(3);
            assertThat(exit.stderr()).contains("app 'md5' port " + taken.getLocalPort());
        }
    }

    @Test
    void adminPagesShowAppsTargetsAndMetrics() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s", "127.0.0.1:1"]}]}""".formatted(echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            for (int i = 0; i < 3; i++) {
                assertThat(ProxyFixture.echoes(proxy.ports("echo").get(0), "hello")).isTrue();
            }
            int admin = running.port();
            assertThat(ProxyFixture.http(admin, "/health")).isEqualTo("200 ok\n");
            String html = ProxyFixture.http(admin, "/stats");
            assertThat(html).startsWith("200 ").contains("http-equiv=\"refresh\"").contains(echo.target()).contains("127.0.0.1:1");
            JsonNode json = new ObjectMapper().readTree(ProxyFixture.http(admin, "/stats.json").substring(4));
            JsonNode app = json.get("apps").get(0);
            assertThat(app.get("name").asText()).isEqualTo("echo");
            assertThat(app.get("total").asLong()).isEqualTo(3);
            JsonNode target = app.get("targets").get(0);
            assertThat(target.get("target").asText()).isEqualTo(echo.target());
            assertThat(target.get("state").asText()).isEqualTo("up");
            assertThat(target.get("bytesIn").asLong()).isEqualTo(15);
            assertThat(target.get("bytesOut").asLong()).isEqualTo(15);
            assertThat(ProxyFixture.http(admin, "/stats?format=json")).contains("\"apps\"");
            ServiceWatch proxies = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("proxy");
            Instance self = Timing.await("the proxy registered", Duration.ofSeconds(10), proxies::instances, l -> l.size() == 1).get(0);
            assertThat(self.port()).isEqualTo(admin);
            assertThat(self.id()).isEqualTo("proxy-" + admin);
            assertThat(self.details().attribute("ports")).isEqualTo(String.valueOf(proxy.ports("echo").get(0)));
            String metrics = ProxyFixture.http(admin, "/metrics");
            assertThat(metrics).contains("tcpmesh_proxy_connections_total{app=\"echo\"} 3.0")
                    .contains("tcpmesh_proxy_target_bytes_in_total{app=\"echo\",target=\"" + echo.target() + "\"} 15.0")
                    .contains("tcpmesh_proxy_target_up{app=\"echo\",target=\"" + echo.target() + "\"} 1.0");
        }
    }
}
