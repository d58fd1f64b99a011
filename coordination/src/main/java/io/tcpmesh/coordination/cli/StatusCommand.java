package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.LeaderElection;
import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpmesh-status}: what ZooKeeper says of the cluster (every service's instances and every
 * election's leader), and {@code --wait} for the cluster scripts: wait until services have registered.
 */
@Command(name = "tcpmesh-status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints the live instances of every tcpmesh service and the leader of every election, from ZooKeeper.")
public final class StatusCommand implements Callable<Integer> {
    private static final long RECOUNT_MS = 1000;

    @Mixin
    ZooKeeperOptions zk = new ZooKeeperOptions();

    @Option(names = "--wait", paramLabel = "SERVICE=COUNT", split = ",",
            description = "Wait until each service has at least COUNT instances, such as md5=3,echo=3; exit 1 if they do not within --timeout.")
    Map<String, Integer> wait = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "How long to wait for --wait (default: 30s).")
    Duration timeout = Duration.ofSeconds(30);

    @Option(names = "--quiet", description = "With --wait, print only what is missing.")
    boolean quiet;

    public static void main(String[] args) {
        ServiceLauncher.main(new StatusCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        ZooKeeperConfig config = zk.config();
        try (CuratorFramework client = ZooKeeperClients.start(config)) {
            if (!client.blockUntilConnected(Math.toIntExact(zk.zkWait().toMillis()), TimeUnit.MILLISECONDS)) {
                System.err.println("tcpmesh-status: ZooKeeper " + config.connectString() + " is not reachable");
                return ExitCodes.FAILURE;
            }
            List<String> missing = awaitCounts(client);
            if (!quiet || !missing.isEmpty()) {
                print(client);
            }
            if (!missing.isEmpty()) {
                System.err.println("tcpmesh-status: not registered within " + Durations.format(timeout) + ": " + String.join(", ", missing));
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Re-counts whenever ZooKeeper reports a change under a waited-for service (a child watch, or an
     * existence watch while the service has no node yet), and at least once a second in case a watch
     * was lost with a connection.
     */
    private List<String> awaitCounts(CuratorFramework client) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore changed = new Semaphore(0);
        CuratorWatcher watcher = event -> changed.release();
        while (true) {
            changed.drainPermits();
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, Integer> e : wait.entrySet()) {
                int have = watchedChildren(client, ServiceRegistry.SERVICES_PATH + "/" + e.getKey(), watcher, changed);
                if (have < e.getValue()) {
                    missing.add(e.getKey() + " (" + have + " of " + e.getValue() + ")");
                }
            }
            long left = deadline - System.nanoTime();
            if (missing.isEmpty() || left <= 0) {
                return missing;
            }
            changed.tryAcquire(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, RECOUNT_MS), TimeUnit.MILLISECONDS);
        }
    }

    private static int watchedChildren(CuratorFramework client, String path, CuratorWatcher watcher, Semaphore changed) throws Exception {
        try {
            return client.getChildren().usingWatcher(watcher).forPath(path).size();
        } catch (KeeperException.NoNodeException e) {
            if (client.checkExists().usingWatcher(watcher).forPath(path) != null) {
                changed.release(); // made in between: count again at once
            }
            return 0;
        }
    }

    private void print(CuratorFramework client) throws Exception {
        try (ServiceRegistry registry = new ServiceRegistry(client).start()) {
            for (String service : children(client, ServiceRegistry.SERVICES_PATH)) {
                List<String> ids = children(client, ServiceRegistry.SERVICES_PATH + "/" + service);
                System.out.printf("%s (%d)%n", service, ids.size());
                try (ServiceWatch watch = registry.watch(service)) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!watch.isInitialised() && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    for (Instance i : watch.allInstances()) {
                        System.out.printf("  %-24s %s:%d  %s%n", i.id(), i.host(), i.port(), i.details().attributes());
                    }
                }
            }
        }
        for (String election : children(client, LeaderElection.LEADERS_PATH)) {
            System.out.printf("leader of %s: %s%n", election, LeaderElection.leaderOf(client, election).orElse("(none)"));
        }
    }

    private static List<String> children(CuratorFramework client, String path) throws Exception {
        try {
            return client.getChildren().forPath(path).stream().sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }
}
