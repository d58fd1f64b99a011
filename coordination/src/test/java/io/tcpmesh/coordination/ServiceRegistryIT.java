package io.tcpmesh.coordination;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceRegistryIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private ServiceRegistry registry(CuratorFramework client) {
        return zk.track(new ServiceRegistry(client).start());
    }

    private static InstanceDetails details(String node, Map<String, String> attributes) {
        return new InstanceDetails(node, "test", 1234L, attributes);
    }

    @Test
    void registeredInstanceIsSeenByAnIndependentClient() {
        ServiceRegistry mine = registry(zk.newClient());
        mine.register("md5", "md5-7001", "127.0.0.1", 7001, details("md5-7001", Map.of("zone", "a")));

        ServiceWatch watch = zk.track(registry(zk.newClient()).watch("md5"));
        List<Instance> seen = Timing.await("md5-7001 seen by a second client", Duration.ofSeconds(5),
                watch::instances, list -> list.size() == 1);

        Instance instance = seen.get(0);
        assertThat(instance.id()).isEqualTo("md5-7001");
        assertThat(instance.host()).isEqualTo("127.0.0.1");
        assertThat(instance.port()).isEqualTo(7001);
        assertThat(instance.details()).isEqualTo(details("md5-7001", Map.of("zone", "a")));
    }

    @Test
    void closedRegistrationDisappearsWithinASecond() {
        Registration registration = registry(zk.newClient()).register("md5", "md5-1", "127.0.0.1", 1, details("md5-1", Map.of()));
        ServiceWatch watch = registry(zk.newClient()).watch("md5");
        Timing.await("instance listed", Duration.ofSeconds(5), () -> watch.instances().size() == 1);

        registration.close();

        Timing.await("instance gone", Duration.ofSeconds(1), () -> watch.allInstances().isEmpty());
    }

    @Test
    void afterSessionExpiryTheInstanceComesBackOnceWithItsCurrentData() throws Exception {
        CuratorFramework client = zk.newClient();
        Registration registration = registry(client).register("echo", "echo-1", "127.0.0.1", 9601,
                details("echo-1", Map.of("leader", "false")));
        Timing.await("first registration", Duration.ofSeconds(5), registration::isRegistered);
        registration.update(Map.of("leader", "true"));
        Timing.await("updated data written", Duration.ofSeconds(5), registration::isRegistered);

        long sessionBefore = client.getZookeeperClient().getZooKeeper().getSessionId();
        zk.killSession(client);
        Timing.await("a new session", Duration.ofSeconds(10),
                () -> sessionId(client) != sessionBefore && sessionId(client) != 0);

        CuratorFramework observer = zk.newClient();
        List<String> children = Timing.await("echo-1 registered again", Duration.ofSeconds(10),
                () -> children(observer, "/services/echo"), list -> list.equals(List.of("echo-1")));
        assertThat(children).containsExactly("echo-1");
        Timing.await("its current data", Duration.ofSeconds(5), registration::isRegistered);
        assertThat(registration.details().attributes()).containsEntry("leader", "true");
        assertThat(observer.checkExists().forPath("/services/echo/echo-1").getEphemeralOwner())
                .isEqualTo(sessionId(client));
    }

    @Test
    void serviceStartedWhileZooKeeperIsDownRegistersWhenItComesUp() throws Exception {
        zk.stop();
        ServiceRegistry registry = registry(zk.newClient());
        Registration registration = registry.register("md5", "md5-late", "127.0.0.1", 7002, details("md5-late", Map.of()));
        assertThat(registration.isRegistered()).isFalse();

        zk.restart();

        Timing.await("registered once ZooKeeper is up", Duration.ofSeconds(15), registration::isRegistered);
        assertThat(children(zk.newClient(), "/services/md5")).containsExactly("md5-late");
    }

    @Test
    void watchFollowsArrivalsAndDeparturesAndLeavesOutFailingInstances() {
        ServiceRegistry nodes = registry(zk.newClient());
        ServiceWatch watch = registry(zk.newClient()).watch("md5");
        List<List<Instance>> changes = new CopyOnWriteArrayList<>();
        watch.addListener(changes::add);

        Registration a = nodes.register("md5", "a", "127.0.0.1", 1, details("a", Map.of()));
        nodes.register("md5", "b", "127.0.0.1", 2, details("b", Map.of()));
        Timing.await("both listed", Duration.ofSeconds(5), () -> watch.instances().size() == 2);
        Timing.await("a listener heard of both", Duration.ofSeconds(5),
                () -> !changes.isEmpty() && changes.get(changes.size() - 1).size() == 2);

        Instance b = watch.instances().get(1);
        watch.reportFailing(b, Duration.ofMinutes(1));
        assertThat(watch.instances()).extracting(Instance::id).containsExactly("a");
        assertThat(watch.allInstances()).extracting(Instance::id).containsExactly("a", "b");

        a.close();
        Timing.await("a gone", Duration.ofSeconds(5), () -> watch.allInstances().size() == 1);
        assertThat(watch.instances()).isEmpty();
    }

    @Test
    void reRegistrationWithinTheDepartureGraceNeverEmptiesTheWatch() {
        ServiceRegistry nodes = registry(zk.newClient());
        ServiceWatch watch = registry(zk.newClient()).watch("md5", Duration.ofSeconds(30));
        List<List<Instance>> changes = new CopyOnWriteArrayList<>();
        Registration first = nodes.register("md5", "a", "127.0.0.1", 1, details("a", Map.of()));
        Timing.await("a listed", Duration.ofSeconds(5), () -> watch.allInstances().size() == 1);
        watch.addListener(changes::add);
        Timing.await("the listener's first call", Duration.ofSeconds(5), () -> !changes.isEmpty());

        int before = changes.size();
        first.close(); // what curator-x-discovery does on a re-sync: delete, then create again
        Timing.await("the watch heard of the deletion", Duration.ofSeconds(5), () -> changes.size() > before);
        nodes.register("md5", "a", "127.0.0.1", 2, details("a", Map.of("again", "yes")));
        Timing.await("the new registration's data", Duration.ofSeconds(5),
                () -> changes.get(changes.size() - 1).stream().anyMatch(i -> i.port() == 2));

        assertThat(changes).as("every list the listener got").allSatisfy(list -> assertThat(list).hasSize(1));
        assertThat(watch.allInstances()).extracting(Instance::port).containsExactly(2);
    }

    @Test
    void departureThatOutlivesTheGraceLeavesTheWatch() {
        ServiceRegistry nodes = registry(zk.newClient());
        ServiceWatch watch = registry(zk.newClient()).watch("md5", Duration.ofMillis(500));
        List<List<Instance>> changes = new CopyOnWriteArrayList<>();
        watch.addListener(changes::add);
        Registration a = nodes.register("md5", "a", "127.0.0.1", 1, details("a", Map.of()));
        Timing.await("a listed", Duration.ofSeconds(5), () -> watch.allInstances().size() == 1);

        a.close();

        Timing.await("a gone after the grace, and the listener told", Duration.ofSeconds(10),
                () -> watch.allInstances().isEmpty() && changes.get(changes.size() - 1).isEmpty());
    }

    private static long sessionId(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    private static List<String> children(CuratorFramework client, String path) {
        try {
            return client.getChildren().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRegistrationThatDoesNotParseIsIgnoredAndTheWatchKeepsWorking() throws Exception {
        CuratorFramework client = zk.newClient();
        client.create().creatingParentsIfNeeded().forPath(ServiceRegistry.SERVICES_PATH + "/md5/garbage", "not json {".getBytes());
        client.create().forPath(ServiceRegistry.SERVICES_PATH + "/md5/no-port",
                ("{\"name\":\"md5\",\"id\":\"no-port\",\"address\":\"127.0.0.1\",\"payload\":"
                        + "{\"@class\":\"io.tcpmesh.coordination.InstanceDetails\",\"nodeId\":\"x\"}}").getBytes());
        ServiceRegistry registry = registry(zk.newClient());
        ServiceWatch watch = registry.watch("md5");
        Timing.await("watch filled", Duration.ofSeconds(5), watch::isInitialised);

        registry.register("md5", "md5-7001", "127.0.0.1", 7001, details("md5-7001", Map.of()));
        Timing.await("the valid instance listed", Duration.ofSeconds(5), () -> watch.instances().size() == 1);
        client.setData().forPath(ServiceRegistry.SERVICES_PATH + "/md5/garbage", new byte[]{0, 1, 2, '\n'});
        registry.register("md5", "md5-7002", "127.0.0.1", 7002, details("md5-7002", Map.of()));

        List<Instance> seen = Timing.await("both valid instances, nothing else", Duration.ofSeconds(5), watch::instances, l -> l.size() == 2);
        assertThat(seen).extracting(Instance::id).containsExactly("md5-7001", "md5-7002");
        assertThat(watch.allInstances()).hasSize(2);
    }
}
