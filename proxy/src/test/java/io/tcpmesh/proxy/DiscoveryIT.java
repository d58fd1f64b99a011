package io.tcpmesh.proxy;

import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.Registration;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
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

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** A proxy in this JVM whose app {@code md5} forwards to the instances of service md5. */
    private ProxyServer discoveringProxy() throws Exception {
        return ProxyFixture.server(ProxyFixture.start(zk, ProxyFixture.write(dir, """
                {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}]}""")));
    }

    private static void awaitTargets(ProxyServer proxy, int n) {
        Timing.await(n + " target(s) discovered", Duration.ofSeconds(10), () -> targets(proxy.app("md5")), t -> t.size() == n);
    }

    private static List<String> targets(ProxiedApp app) {
        return app.targets().stream().filter(Target::isUp).map(Target::key).toList();
    }

    @Test
    void aNodeRegisteredLaterGetsTrafficAndANodeGoneGetsNone() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5); TestBackend b = new TestBackend(TestBackend.Mode.MD5)) {
            ServiceRegistry nodes = registry();
            register(nodes, "md5", "md5-a", a.port(), Map.of());
            ProxyServer proxy = discoveringProxy();
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
            ProxyServer proxy = discoveringProxy();
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
    void zooKeeperDownPastTheSessionTimeoutAndRestartedUnderLoadFailsNoConnection() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5)) {
            CuratorFramework nodesClient = zk.newClient();
            AtomicBoolean lost = new AtomicBoolean();
            nodesClient.getConnectionStateListenable().addListener((c, state) -> lost.compareAndSet(false, state == ConnectionState.LOST));
            ServiceRegistry nodes = zk.track(new ServiceRegistry(nodesClient).start());
            register(nodes, "md5", "md5-a", a.port(), Map.of()); // one node: a re-sync that empties the set fails clients
            ProxyServer proxy = discoveringProxy();
            int port = proxy.ports("md5").get(0);
            awaitTargets(proxy, 1);

            try (Load load = new Load(port)) {
                Timing.await("load under way", Duration.ofSeconds(10), () -> load.ok.get() > 50);
                zk.stop();
                Timing.await("the node's session lost", Duration.ofSeconds(20), lost::get);
                zk.restart();
                CuratorFramework observer = zk.newClient();
                Timing.await("md5-a re-registered under the node's new session", Duration.ofSeconds(30),
                        () -> registeredBy(observer, nodesClient, "md5-a"));
                int after = load.ok.get();
                Timing.await("load goes on after the re-sync", Duration.ofSeconds(10), () -> load.ok.get() > after + 200);
            }
            assertThat(proxy.app("md5").stats().failed()).isZero();
        }
    }

    @Test
    void reRegistrationOfTheOnlyNodeUnderLoadFailsNoConnection() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5)) {
            ServiceRegistry nodes = registry();
            Registration first = register(nodes, "md5", "md5-a", a.port(), Map.of());
            ServiceWatch plain = zk.track(registry().watch("md5"));
            ProxyServer proxy = discoveringProxy();
            int port = proxy.ports("md5").get(0);
            awaitTargets(proxy, 1);
            try (Load load = new Load(port)) {
                Timing.await("load under way", Duration.ofSeconds(10), () -> load.ok.get() > 50);
                first.close(); // what curator-x-discovery does on a re-sync: delete the node, create it again
                Timing.await("a watch without grace sees the service empty", Duration.ofSeconds(10), () -> plain.allInstances().isEmpty());
                int during = load.attempts.get();
                Timing.await("requests while the node is not registered", Duration.ofSeconds(10), () -> load.attempts.get() > during + 20);
                register(nodes, "md5", "md5-a", a.port(), Map.of());
                Timing.await("registered again", Duration.ofSeconds(10), () -> plain.allInstances().size() == 1);
                int after = load.ok.get();
                Timing.await("load goes on", Duration.ofSeconds(10), () -> load.ok.get() > after + 50);
            }
            assertThat(proxy.app("md5").stats().failed()).isZero();
        }
    }

    /** Four clients sending md5 requests through the proxy in a loop, until closed; closing asserts none failed. */
    private static final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final ExecutorService clients = Executors.newFixedThreadPool(4);
        final List<Future<?>> loops = new ArrayList<>();

        Load(int port) {
            for (int c = 0; c < 4; c++) {
                loops.add(clients.submit(() -> {
                    while (!stop.get()) {
                        attempts.incrementAndGet();
                        try {
                            String got = ProxyFixture.request(port, "Hello, MD5 server!");
                            if (got.equals(DIGEST)) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("answer '" + got + "'");
                            }
                        } catch (IOException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> f : loops) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(failures).as("failed requests (of %d)", ok.get()).isEmpty();
        }
    }

    private static boolean registeredBy(CuratorFramework observer, CuratorFramework owner, String id) {
        try {
            var stat = observer.checkExists().forPath("/services/md5/" + id);
            return stat != null && stat.getEphemeralOwner() == owner.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void zooKeeperDownKeepsTheLastKnownNodes() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.MD5)) {
            register(registry(), "md5", "md5-a", a.port(), Map.of());
            ProxyServer proxy = discoveringProxy();
            awaitTargets(proxy, 1);
            zk.stop();
            int port = proxy.ports("md5").get(0);
            Timing.holdsFor("md5-a kept while ZooKeeper is down", Duration.ofMillis(1500), () -> targets(proxy.app("md5")).size() == 1);
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo(DIGEST);
            zk.restart();
        }
    }
}
