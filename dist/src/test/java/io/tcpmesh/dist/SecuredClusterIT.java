package io.tcpmesh.dist;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.echo.EchoConfig;
import io.tcpmesh.echo.EchoModule;
import io.tcpmesh.md5.Md5Config;
import io.tcpmesh.md5.Md5Module;
import io.tcpmesh.numbers.NumbersConfig;
import io.tcpmesh.numbers.NumbersModule;
import io.tcpmesh.numbers.client.ClientOptions;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.client.NumbersClient;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.store.ZooKeeperSessionStore;
import io.tcpmesh.proxy.ProxyModule;
import io.tcpmesh.proxy.ConfigReloader;
import io.tcpmesh.proxy.ProxyServer;
import io.tcpmesh.proxy.ProxySettings;
import io.tcpmesh.proxy.config.ProxyConfigParser;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real services started with a tcpmesh secret work as before (registration, election and fail-over,
 * numbers sessions moving between servers, the proxy's configuration node), while a client without the
 * secret can read everything and change nothing.
 */
class SecuredClusterIT {
    private static final String SECRET = "5ecret5ecret5ecret5ecret5ecret00";

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private Path secretFile() throws Exception {
        Path file = dir.resolve("zk-auth");
        if (!Files.exists(file)) {
            Files.writeString(file, SECRET + "\n");
        }
        return file;
    }

    private ServiceOptions options() throws Exception {
        return new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).zkSessionTimeout(Duration.ofSeconds(2))
                .bind("127.0.0.1").drainTimeout(Duration.ofMillis(200)).zkAuth(secretFile());
    }

    private RunningService start(String service, com.google.inject.Module module) throws Exception {
        return zk.track(ServiceLauncher.start(service, options(), module));
    }

    /** Anyone who reaches ZooKeeper: no secret, no namespace. */
    private CuratorFramework stranger() {
        CuratorFramework client = zk.track(CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100)));
        client.start();
        return client;
    }

    private CuratorFramework withSecret() throws Exception {
        return zk.newClient(zk.config().withAuth(ZooKeeperAuth.read(secretFile())));
    }

    private ServiceWatch watch(String service) {
        return zk.track(new ServiceRegistry(zk.newClient()).start()).watch(service);
    }

    private String path(String relative) {
        return zk.root() + relative;
    }

    @Test
    void md5RegistersAndAStrangerCanReadButNotAddOrRemoveInstances() throws Exception {
        RunningService md5 = start("md5", new Md5Module(Md5Config.defaults()));
        ServiceWatch watch = watch("md5");
        Timing.await("md5 registered", Duration.ofSeconds(10), () -> watch.instances().size() == 1);
        String node = path("/services/md5/" + md5.node().name());

        CuratorFramework anyone = stranger();
        assertThat(anyone.getChildren().forPath(path("/services/md5"))).containsExactly(md5.node().name());
        assertThat(new String(anyone.getData().forPath(node), StandardCharsets.UTF_8)).contains("\"port\":" + md5.port());
        assertNoAuth(() -> anyone.create().withMode(CreateMode.EPHEMERAL).forPath(path("/services/md5/rogue"),
                ("{\"name\":\"md5\",\"id\":\"rogue\",\"address\":\"10.6.6.6\",\"port\":7001}").getBytes()));
        assertNoAuth(() -> anyone.delete().forPath(node));
        assertNoAuth(() -> anyone.setData().forPath(node, "{}".getBytes()));
        assertThat(watch.instances()).extracting(Instance::port).containsExactly(md5.port());
    }

    @Test
    void echoElectionAndFailOverWorkWithTheSecretAndAStrangerCannotJoin() throws Exception {
        EchoConfig config = EchoConfig.of(freePort(), false, EchoConfig.DEFAULT_HIGH_WATER);
        RunningService a = start("echo", new EchoModule(config));
        RunningService b = start("echo", new EchoModule(config));
        ServiceWatch watch = watch("echo");
        String first = Timing.await("one echo leader", Duration.ofSeconds(15), () -> leaders(watch), l -> l.size() == 1).get(0);

        CuratorFramework anyone = stranger();
        assertThat(anyone.getChildren().forPath(path("/leaders/echo"))).hasSize(2);
        assertNoAuth(() -> anyone.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(path("/leaders/echo/_c_00000000-0000-0000-0000-000000000000-latch-"), "rogue".getBytes()));
        String leaderNode = path("/leaders/echo/" + anyone.getChildren().forPath(path("/leaders/echo")).get(0));
        assertNoAuth(() -> anyone.delete().forPath(leaderNode));

        RunningService leader = first.equals(a.node().name()) ? a : b;
        RunningService other = leader == a ? b : a;
        leader.close();
        Timing.await("the other node leads", Duration.ofSeconds(15), () -> leaders(watch), l -> l.equals(List.of(other.node().name())));
    }

    @Test
    void numbersSessionsMoveBetweenServersAndAStrangerCannotChangeThem() throws Exception {
        NumbersConfig config = NumbersConfig.defaults().withInterval(Duration.ofMillis(5)).withFailures(5, Duration.ZERO);
        RunningService a = start("numbers", new NumbersModule(config));
        RunningService b = start("numbers", new NumbersModule(config));
        ClientOptions options = new ClientOptions(Variant.STATEFUL, UUID.randomUUID().toString(), 40, Duration.ofMillis(5),
                Duration.ofMillis(50), Timing.seconds(10), Timing.seconds(5));
        ClientResult result = new NumbersClient(options, alternate(a, b), line -> { }, new PrintStream(OutputStream.nullOutputStream())).run();
        assertThat(result.outcome()).as(result.detail()).isEqualTo(ClientResult.Outcome.OK);
        assertThat(result.connections()).isGreaterThanOrEqualTo(8);

        String id = "left-open-" + UUID.randomUUID();
        readAndLeave(a.port(), id);
        String session = path(ZooKeeperSessionStore.path(id));
        CuratorFramework anyone = stranger();
        Timing.await("the session stored", Duration.ofSeconds(10), () -> exists(anyone, session));
        assertThat(new String(anyone.getData().forPath(session), StandardCharsets.UTF_8)).isNotEmpty();
        assertNoAuth(() -> anyone.setData().forPath(session, "{\"next\":0}".getBytes()));
        assertNoAuth(() -> anyone.delete().forPath(session));
        assertNoAuth(() -> anyone.create().forPath(path("/numbers/sessions/forged"), "{}".getBytes()));
    }

    @Test
    void theProxyReloadsFromTheNodeWrittenWithTheSecretAndAStrangerCannotWriteIt() throws Exception {
        RunningService md5 = start("md5", new Md5Module(Md5Config.defaults()));
        Path file = dir.resolve("proxy.json");
        Files.writeString(file, """
                {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}]}""");
        RunningService running = start("proxy", new ProxyModule(new ProxySettings(file, "127.0.0.1", 0, Duration.ofMillis(200), null),
                ProxyConfigParser.read(file)));
        ProxyServer proxy = running.instance(ProxyServer.class);
        Timing.await("md5 through the proxy", Duration.ofSeconds(15), () -> md5Through(proxy.ports("md5").get(0)));

        CuratorFramework anyone = stranger();
        String node = path("/config/proxy");
        String redirect = """
                {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["10.6.6.6:7001"]}]}""";
        assertNoAuth(() -> anyone.create().forPath(node, redirect.getBytes()));

        CuratorFramework operator = withSecret();
        operator.create().creatingParentsIfNeeded().forPath("/config/proxy", """
                {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["discovery:md5"]}, {"Name": "more", "Ports": [0], "Targets": ["discovery:md5"]}]}"""
                .getBytes(StandardCharsets.UTF_8));
        Timing.await("the configuration from the node", Duration.ofSeconds(10), () -> proxy.ports("more"), p -> p.size() == 1);
        assertThat(md5Through(proxy.ports("more").get(0))).isTrue();
        assertNoAuth(() -> anyone.setData().forPath(node, redirect.getBytes()));
        assertNoAuth(() -> anyone.delete().forPath(node));

        ConfigReloader reloader = running.instance(ConfigReloader.class);
        long failed = reloader.failed();
        operator.setData().forPath("/config/proxy", "{\"Apps\": [ not json".getBytes(StandardCharsets.UTF_8));
        Timing.await("the unparsable node rejected", Duration.ofSeconds(10), () -> reloader.failed() == failed + 1);
        assertThat(proxy.ports("more")).hasSize(1);
        assertThat(md5Through(proxy.ports("md5").get(0))).isTrue();
        assertThat(md5.port()).isPositive();
    }

    private static List<String> leaders(ServiceWatch watch) {
        return watch.instances().stream().filter(i -> "true".equals(i.details().attribute("leader"))).map(Instance::id).toList();
    }

    private static void assertNoAuth(ThrowingRunnable write) {
        assertThatThrownBy(write::run).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static boolean exists(CuratorFramework client, String path) {
        try {
            return client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** A new long stateful stream: reads its first numbers, then drops the connection, leaving the session stored. */
    private static void readAndLeave(int port, String id) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("HELLO 1 stateful " + id + " 1000 0\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("OK stateful " + id + " 1000 0");
            for (int i = 0; i < 3; i++) {
                assertThat(in.readLine()).startsWith("N " + i + " ");
            }
        }
    }

    private static boolean md5Through(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
        } catch (Exception e) {
            return false;
        }
    }

    private static Supplier<InetSocketAddress> alternate(RunningService a, RunningService b) {
        AtomicInteger attempts = new AtomicInteger();
        return () -> new InetSocketAddress("127.0.0.1", attempts.getAndIncrement() % 2 == 0 ? a.port() : b.port());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
