package io.tcpmesh.coordination.testing;

import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.util.ServiceUtils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real ZooKeeper server (curator-test's {@link TestingServer}) for each test, on a free port, with a
 * 500 ms tick so that short session timeouts are granted as asked. Register it with
 * {@code @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();}. Each test gets its own
 * root ({@link #root()}), and every client made here is closed after the test.
 */
public final class TestZooKeeper implements BeforeEachCallback, AfterEachCallback {
    public static final int TICK_MILLIS = 500;

    private TestingServer server;
    private String root;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private static int counter;

    static {
        // A server that cannot bind (its free port was taken before it bound it) must fail this test's
        // start, not System.exit the whole test JVM, which is ZooKeeper's default.
        ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server = startServer();
        root = "/tcpmesh-test-" + (++counter);
    }

    /** A server on a free port; another free port when the one picked was taken before the server bound it. */
    private static TestingServer startServer() throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1), true);
            } catch (Exception e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception | AssertionError ignored) {
                // already closed by the test
            }
        }
        closeables.clear();
        server.close();
    }

    public String connectString() {
        return server.getConnectString();
    }

    public int port() {
        return server.getPort();
    }

    /** This test's ZooKeeper root, such as {@code /tcpmesh-test-3}. */
    public String root() {
        return root;
    }

    /** The configuration of a client of this server under {@link #root()}, with a 2 s session. */
    public ZooKeeperConfig config() {
        return ZooKeeperConfig.of(connectString(), root).withSessionTimeout(Duration.ofSeconds(2));
    }

    /** A started client, closed after the test. */
    public CuratorFramework newClient() {
        return track(ZooKeeperClients.start(config()));
    }

    /** A started client with the given configuration, closed after the test. */
    public CuratorFramework newClient(ZooKeeperConfig config) {
        return track(ZooKeeperClients.start(config));
    }

    /** Closes the closeable after the test, in reverse order of tracking. */
    public <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Expires the client's session, as a server would after a long partition. */
    public void killSession(CuratorFramework client) throws Exception {
        KillSession.kill(client.getZookeeperClient().getZooKeeper());
    }

    /** Stops the server; its port and data stay for {@link #restart()}. */
    public void stop() throws Exception {
        server.stop();
    }

    public void restart() throws Exception {
        server.restart();
    }

    public TestingServer server() {
        return server;
    }
}
