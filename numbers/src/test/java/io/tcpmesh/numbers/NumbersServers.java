package io.tcpmesh.numbers;

import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.numbers.client.ClientOptions;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.client.NumbersClient;
import io.tcpmesh.numbers.codec.Variant;
import org.apache.curator.framework.CuratorFramework;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/** Starting numbers servers and clients in tests. */
final class NumbersServers {
    static final NumbersConfig FAST = NumbersConfig.defaults().withInterval(Duration.ofMillis(5));

    private NumbersServers() {
    }

    static RunningService start(TestZooKeeper zk, NumbersConfig config) throws Exception {
        return start(zk, config, options -> options);
    }

    /** A server whose options the test changes first (TLS, for one). */
    static RunningService start(TestZooKeeper zk, NumbersConfig config, java.util.function.UnaryOperator<ServiceOptions> change)
            throws Exception {
        ServiceOptions options = change.apply(new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .drainTimeout(Duration.ofSeconds(1)));
        RunningService server = zk.track(ServiceLauncher.start("numbers", options, new NumbersModule(config)));
        CuratorFramework client = zk.newClient();
        String path = ServiceRegistry.SERVICES_PATH + "/numbers/" + server.node().name();
        Timing.await(path + " registered", Duration.ofSeconds(10), () -> exists(client, path));
        return server;
    }

    private static boolean exists(CuratorFramework client, String path) {
        try {
            return client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ClientOptions options(Variant variant, int count) {
        return new ClientOptions(variant, UUID.randomUUID().toString(), count, Duration.ofMillis(5), Duration.ofMillis(50),
                Timing.seconds(10), Timing.seconds(5));
    }

    static ClientResult receive(ClientOptions options, Supplier<InetSocketAddress> servers) throws InterruptedException {
        return new NumbersClient(options, servers, line -> { }, new PrintStream(OutputStream.nullOutputStream())).run();
    }

    static Supplier<InetSocketAddress> at(RunningService server) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        return () -> address;
    }
}
