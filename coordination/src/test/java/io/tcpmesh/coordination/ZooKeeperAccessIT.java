package io.tcpmesh.coordination;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperAccessIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private ZooKeeperAuth secret(String name, String value) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, value + "\n");
        return ZooKeeperAuth.read(file);
    }

    private CuratorFramework secured(ZooKeeperAuth auth) throws Exception {
        ZooKeeperConfig config = zk.config().withAuth(auth);
        CuratorFramework client = zk.newClient(config);
        assertThat(client.blockUntilConnected(Math.toIntExact(Timing.seconds(10).toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        ZooKeeperAccess.verify(client, config);
        return client;
    }

    /** A client with no secret and no namespace: what anyone who reaches ZooKeeper has. */
    private CuratorFramework stranger() {
        CuratorFramework client = zk.track(CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100)));
        client.start();
        return client;
    }

    private String path(String relative) {
        return zk.root() + relative;
    }

    private static InstanceDetails details(String node) {
        return new InstanceDetails(node, "test", 1L, Map.of());
    }

    @Test
    void everyTcpmeshNodeIsReadableByAllAndWritableOnlyWithTheSecret() throws Exception {
        CuratorFramework client = secured(secret("zk-auth", "0123456789abcdef0123456789abcdef"));
        ServiceRegistry registry = zk.track(new ServiceRegistry(client).start());
        Registration md5 = registry.register("md5", "md5-7001", "127.0.0.1", 7001, details("md5-7001"));
        LeaderElection election = zk.track(new LeaderElection(client, "echo", "echo-9601", leader -> { }));
        election.start();
        client.create().creatingParentsIfNeeded().forPath("/config/proxy", "{}".getBytes(StandardCharsets.UTF_8));
        Timing.await("md5 registered", Duration.ofSeconds(10), md5::isRegistered);
        Timing.await("echo-9601 leads", Duration.ofSeconds(10), election::isLeader);

        CuratorFramework anyone = stranger();
        List<String> every = walk(anyone, zk.root());
        assertThat(every).contains(path(""), path("/services"), path("/services/md5"), path("/services/md5/md5-7001"),
                path("/leaders"), path("/leaders/echo"), path("/config"), path("/config/proxy"));
        ZooKeeperAuth auth = ZooKeeperAuth.read(dir.resolve("zk-auth"));
        for (String p : every) {
            anyone.getData().forPath(p); // reads work
            assertThat(client.usingNamespace(null).getACL().forPath(p)).as(p).isEqualTo(auth.acl());
            // ZooKeeper shows the digest only to those who may administer the node
            assertThat(anyone.getACL().forPath(p)).as(p).containsExactlyInAnyOrder(
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", "tcpmesh:x")), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        }
        assertThat(new String(anyone.getData().forPath(path("/services/md5/md5-7001")), StandardCharsets.UTF_8)).contains("7001");

        assertNoAuth(() -> anyone.create().withMode(CreateMode.EPHEMERAL).forPath(path("/services/md5/rogue"), "{}".getBytes()));
        assertNoAuth(() -> anyone.delete().forPath(path("/services/md5/md5-7001")));
        assertNoAuth(() -> anyone.setData().forPath(path("/config/proxy"), "{\"Apps\":[]}".getBytes()));
        assertNoAuth(() -> anyone.delete().forPath(path("/config/proxy")));
        assertNoAuth(() -> anyone.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(path("/leaders/echo/_c_rogue-latch-"), "x".getBytes()));
        assertNoAuth(() -> anyone.create().forPath(path("/services/rogue")));
        assertNoAuth(() -> anyone.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(path("")));
        assertThat(md5.isRegistered()).isTrue();
        assertThat(election.isLeader()).isTrue();
    }

    @Test
    void aSecretThatDiffersFromTheClustersFailsSayingSo() throws Exception {
        secured(secret("right", "0123456789abcdef0123456789abcdef"));
        ZooKeeperAuth wrong = secret("wrong", "fedcba9876543210fedcba9876543210");
        ZooKeeperConfig config = zk.config().withAuth(wrong);
        CuratorFramework client = zk.newClient(config);

        assertThatThrownBy(() -> ZooKeeperAccess.prepare(client, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the secret in " + dir.resolve("wrong"))
                .hasMessageContaining("does not match the one this cluster's nodes were created with");
    }

    @Test
    void aRootSomeoneElseProtectedIsNamed() throws Exception {
        CuratorFramework anyone = stranger();
        anyone.create().withACL(ZooDefs.Ids.READ_ACL_UNSAFE).forPath(zk.root());
        ZooKeeperConfig config = zk.config().withAuth(secret("zk-auth", "0123456789abcdef0123456789abcdef"));
        CuratorFramework client = zk.newClient(config);

        assertThatThrownBy(() -> ZooKeeperAccess.prepare(client, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ZooKeeper " + zk.root() + " has an ACL that does not let the secret")
                .hasMessageContaining("world:anyone:r");
    }

    @Test
    void theOpenTreeOfAnOlderVersionIsProtectedByTheFirstStartWithASecret() throws Exception {
        CuratorFramework old = zk.newClient();
        Registration md5 = zk.track(new ServiceRegistry(old).start()).register("md5", "md5-7001", "127.0.0.1", 7001, details("md5-7001"));
        old.create().creatingParentsIfNeeded().forPath("/numbers/sessions/c1", "{}".getBytes());
        Timing.await("old md5 registered", Duration.ofSeconds(10), md5::isRegistered);
        CuratorFramework anyone = stranger();
        assertThat(anyone.getACL().forPath(path("/services/md5/md5-7001"))).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);

        ZooKeeperAuth auth = secret("zk-auth", "0123456789abcdef0123456789abcdef");
        CuratorFramework client = secured(auth);

        for (String p : walk(anyone, zk.root())) {
            assertThat(client.usingNamespace(null).getACL().forPath(p)).as(p).isEqualTo(auth.acl());
        }
        assertNoAuth(() -> anyone.setData().forPath(path("/numbers/sessions/c1"), "{\"changed\":1}".getBytes()));
        assertNoAuth(() -> anyone.create().forPath(path("/services/md5/rogue")));
        assertThat(new String(anyone.getData().forPath(path("/services/md5/md5-7001")))).contains("7001");
    }

    @Test
    void withoutASecretNodesStayOpenAsBefore() throws Exception {
        CuratorFramework client = zk.newClient();
        ZooKeeperAccess.prepare(client, zk.config());
        Registration md5 = zk.track(new ServiceRegistry(client).start()).register("md5", "md5-1", "127.0.0.1", 7001, details("md5-1"));
        Timing.await("registered", Duration.ofSeconds(10), md5::isRegistered);

        CuratorFramework anyone = stranger();
        assertThat(anyone.getACL().forPath(path("/services/md5/md5-1"))).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
        anyone.create().forPath(path("/services/md5/other"));
    }

    @Test
    void theSecretIsSentAgainAfterASessionExpiry() throws Exception {
        CuratorFramework client = secured(secret("zk-auth", "0123456789abcdef0123456789abcdef"));
        Registration md5 = zk.track(new ServiceRegistry(client).start()).register("md5", "md5-1", "127.0.0.1", 7001, details("md5-1"));
        Timing.await("registered", Duration.ofSeconds(10), md5::isRegistered);
        long before = client.getZookeeperClient().getZooKeeper().getSessionId();

        zk.killSession(client);

        Timing.await("registered again in a new session", Duration.ofSeconds(20), () -> {
            try {
                long now = client.getZookeeperClient().getZooKeeper().getSessionId();
                return now != before && md5.isRegistered()
                        && client.checkExists().forPath("/services/md5/md5-1").getEphemeralOwner() == now;
            } catch (Exception e) {
                return false;
            }
        });
        client.setData().forPath("/config", "written after the expiry".getBytes());
    }

    @Test
    void aWatchWithoutTheSecretWaitsForTheServiceFolderItMayNotCreate() throws Exception {
        CuratorFramework client = secured(secret("zk-auth", "0123456789abcdef0123456789abcdef"));
        ServiceWatch watch = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("md5");
        Timing.holdsFor("nothing listed while no md5 registered", Duration.ofMillis(500), () -> watch.instances().isEmpty());

        zk.track(new ServiceRegistry(client).start()).register("md5", "md5-1", "127.0.0.1", 7001, details("md5-1"));

        Timing.await("the reader sees md5-1", Duration.ofSeconds(15), () -> watch.instances().size() == 1);
        assertThat(watch.isInitialised()).isTrue();
    }

    private static void assertNoAuth(ThrowingRunnable write) {
        assertThatThrownBy(write::run).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static List<String> walk(CuratorFramework client, String path) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(path);
        for (String child : client.getChildren().forPath(path)) {
            all.addAll(walk(client, path + "/" + child));
        }
        return all;
    }
}
