package io.tcpmesh.echo;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.LeaderElection;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.cli.ZooKeeperOptions;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code echo-node members}: the live echo nodes and the current leader, as ZooKeeper says now. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "Prints the live echo nodes (service 'echo') and the current leader, then exits.")
final class MembersCommand implements Callable<Integer> {
    @Mixin
    ZooKeeperOptions zk = new ZooKeeperOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ZooKeeperConfig config = zk.config();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (CuratorFramework client = ZooKeeperClients.start(config);
             ServiceRegistry registry = new ServiceRegistry(client).start()) {
            if (!client.blockUntilConnected(Math.toIntExact(zk.zkWait().toMillis()), TimeUnit.MILLISECONDS)) {
                err.println("members: ZooKeeper " + config.connectString() + " did not answer within " + zk.zkWait().toMillis() + " ms");
                err.flush();
                return 1;
            }
            ServiceWatch watch = registry.watch("echo");
            long deadline = System.nanoTime() + zk.zkWait().toNanos();
            while (!watch.isInitialised() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<Instance> members = watch.allInstances();
            String leader = LeaderElection.leaderOf(client, EchoNode.ELECTION).orElse("(none)");
            out.println(format(config.root(), members, leader));
            out.flush();
            return 0;
        }
    }

    static String format(String root, List<Instance> members, String electedLeader) {
        StringBuilder s = new StringBuilder();
        s.append("echo nodes under ").append(root).append(": ").append(members.size()).append(" live\n");
        for (Instance i : members) {
            String master = i.details().attribute(EchoNode.MASTER_PORT_ATTRIBUTE);
            boolean leads = "true".equals(i.details().attribute(EchoNode.LEADER_ATTRIBUTE));
            s.append(String.format("  %-20s %s:%d  master port %s%s%n", i.id(), i.host(), i.port(),
                    master == null ? "?" : master, leads ? "  LEADER (serving master port)" : ""));
        }
        s.append("elected leader (").append(root).append(LeaderElection.LEADERS_PATH).append('/')
                .append(EchoNode.ELECTION).append("): ").append(electedLeader);
        return s.toString();
    }
}
