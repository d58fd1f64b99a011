package io.tcpmesh.proxy;

import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.Registration;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.routing.Target;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryIT {
    private static final String DIGEST = "ba6f4fdbbfad6e8613f4f9459db93c7e\n";

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private ServiceRegistry registry() {
        return zk.track(new ServiceRegistry(zk.newClient()).start());
    }

    private static Registration register(ServiceRegistry registry, String service, String id, int port, Map<String, String> attributes) {
        return registry.register(service, id, "127.0.0.1", port, new InstanceDetails(id, "test", System.currentTimeMillis(), attributes));
    }

    private static List<String> targets(ProxiedApp app) {
        return app.targets().stream().filter(Target::isUp).map(Target::key).toList();
    }

    @Test
    void aNodeRegisteredLaterGetsTrafficAndANodeGoneGetsNone() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5); TestBackend b = new TestBackend(TestBackend.Mode.MD5)) {
            ServiceRegistry nodes = registry();
            register(nodes, "md5", "md5-a", a.port(), Map.of());
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}]}"""));
            ProxyServer proxy = ProxyFixture.server(running);
            ProxiedApp app = proxy.app("md5");
            int port = proxy.ports("md5").get(0);
            Timing.await("md5-a discovered", Duration.ofSeconds(10), () -> targets(app), t -> t.equals(List.of(a.target())));
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);

            Registration rb = register(nodes, "md5", "md5-b", b.port(), Map.of());
            Timing.await("md5-b discovered", Duration.ofSeconds(10), () -> targets(app), t -> t.size() == 2);
            for (int i = 0; i < 6; i++) {
                assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            }
            assertThat(b.accepted()).as("requests to the node registered later").isGreaterThanOrEqualTo(2);

            rb.close();
            Timing.await("md5-b gone", Duration.ofSeconds(10), () -> targets(app), t -> t.equals(List.of(a.target())));
            int before = b.accepted();
            for (int i = 0; i < 6; i++) {
                assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            }
            assertThat(b.accepted()).as("requests to the node gone").isEqualTo(before);
        }
    }

    @Test
    void aNodeThatRegistersAgainUnderItsIdKeepsItsTotals() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5)) {
            ServiceRegistry nodes = registry();
            Registration ra = register(nodes, "md5", "md5-a", a.port(), Map.of());
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}]}"""));
            ProxyServer proxy = ProxyFixture.server(running);
            ProxiedApp app = proxy.app("md5");
            int port = proxy.ports("md5").get(0);
            Timing.await("md5-a discovered", Duration.ofSeconds(10), () -> targets(app), t -> t.size() == 1);
            for (int i = 0; i < 3; i++) {
                assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            }
            ra.close();
            Timing.await("md5-a gone", Duration.ofSeconds(10), () -> targets(app), List::isEmpty);
            register(nodes, "md5", "md5-a", a.port(), Map.of());
            Timing.await("md5-a back", Duration.ofSeconds(10), () -> targets(app), t -> t.size() == 1);
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            assertThat(app.targets()).singleElement().satisfies(t -> {
                assertThat(t.stats().total()).as("connections before and after the re-registration").isEqualTo(4);
                assertThat(t.reason()).isEqualTo("registered again");
            });
        }
    }

    @Test
    void leaderTargetFollowsTheLeaderAndItsMasterPort() throws Exception {
        try (TestBackend one = new TestBackend(TestBackend.Mode.ECHO); TestBackend two = new TestBackend(TestBackend.Mode.ECHO);
             TestBackend master = new TestBackend(TestBackend.Mode.ECHO)) {
            ServiceRegistry nodes = registry();
            Registration r1 = register(nodes, "echo", "echo-1", one.port(), Map.of("leader", "false"));
            Registration r2 = register(nodes, "echo", "echo-2", two.port(),
                    Map.of("leader", "true", "masterPort", String.valueOf(master.port())));
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "master", "Ports": [0], "Targets": ["discovery:echo?leader"]}]}"""));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("master").get(0);
            Timing.await("the leader's master port", Duration.ofSeconds(10), () -> targets(proxy.app("master")),
                    t -> t.equals(List.of(master.target())));
            assertThat(ProxyFixture.echoes(port, "to the master")).isTrue();
            assertThat(master.accepted()).isEqualTo(1);

            r2.update(Map.of("leader", "false", "masterPort", String.valueOf(master.port())));
            r1.update(Map.of("leader", "true"));
            Timing.await("the new leader", Duration.ofSeconds(10), () -> targets(proxy.app("master")),
                    t -> t.equals(List.of(one.target())));
            assertThat(ProxyFixture.echoes(port, "to the new leader")).isTrue();
            assertThat(one.accepted()).isEqualTo(1);
            assertThat(two.accepted()).isZero();
        }
    }

    @Test
    void zooKeeperDownKeepsTheLastKnownNodes() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5)) {
            register(registry(), "md5", "md5-a", a.port(), Map.of());
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}]}"""));
            ProxyServer proxy = ProxyFixture.server(running);
            Timing.await("md5-a discovered", Duration.ofSeconds(10), () -> targets(proxy.app("md5")), t -> t.size() == 1);
            zk.stop();
            int port = proxy.ports("md5").get(0);
            Timing.holdsFor("md5-a kept while ZooKeeper is down", Duration.ofMillis(1500), () -> targets(proxy.app("md5")).size() == 1);
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            zk.restart();
        }
    }
}
