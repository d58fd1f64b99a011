package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.Sizes;
import io.tcpmesh.coordination.bootstrap.StopSignals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code storage-agent}: writes data files for a while and reports to the collector. */
@Command(name = "storage-agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes files in chunks for --runtime, rolling over at --file-size, and reports START, ROLLOVER, "
                + "MONITOR (CPU, memory), HEARTBEAT and STOP to the storage collector.",
                "Exit codes: 0 done, 1 failure, 2 bad options or a run that cannot give 2 rollovers."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--runtime", paramLabel = "DURATION", converter = Durations.class, description = "How long to write (default: 60s).")
    Duration runtime = Duration.ofSeconds(60);

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = Sizes.class, description = "Bytes per write (default: 10M; smaller ones get a warning).")
    long chunkSize = 10L << 20;

    @Option(names = "--file-size", paramLabel = "SIZE", converter = Sizes.class, description = "Roll over to a new file at this size (default: 100M).")
    long fileSize = 100L << 20;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Folder to write the data files into.")
    Path dir;

    @Option(names = "--writers", paramLabel = "N", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int writers = 1;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Durations.class, description = "Heartbeat period, 10ms to 1h (default: 5s).")
    Duration heartbeat = Duration.ofSeconds(5);

    @Option(names = "--monitor", paramLabel = "DURATION", converter = Durations.class, description = "CPU and memory sample period, 10ms to 1h (default: 10s).")
    Duration monitor = Duration.ofSeconds(10);

    @Option(names = "--id", paramLabel = "NAME", description = "Agent name in the collector's database: letters, digits, '.', '_', '-', starting with a letter or digit (default: HOST-PID).")
    String id;

    @Option(names = "--collector", paramLabel = "HOST:PORT", description = "The collector's address; without it, it is found in ZooKeeper.")
    String collector;

    @Option(names = "--zk", paramLabel = "HOST:PORT[,...]", description = "ZooKeeper to find the collector in (default: ${DEFAULT-VALUE}).")
    String zk = ZooKeeperConfig.DEFAULT_CONNECT_STRING;

    @Option(names = "--zk-root", paramLabel = "PATH", description = "ZooKeeper root (default: ${DEFAULT-VALUE}).")
    String zkRoot = ZooKeeperConfig.DEFAULT_ROOT;

    @Option(names = "--zk-auth", paramLabel = "FILE", defaultValue = "${env:" + ZooKeeperAuth.ENV + "}", description = ZooKeeperAuth.OPTION_HELP)
    Path zkAuth;

    @Option(names = "--expect", paramLabel = "N", description = "A run this agent opens waits for N agents before it can finish "
            + "(default: 0, the collector's --expect). Give every agent of a named run the same N.")
    int expect;

    @Option(names = "--run", paramLabel = "NAME", description = "Join this run instead of the collector's open one (same rule as --id; a finished run is refused).")
    String run;

    @Option(names = "--keep-files", description = "Leave the data files in --dir at the end.")
    boolean keepFiles;

    @Option(names = "--min-free", paramLabel = "SIZE", converter = Sizes.class, description = "Stop writing before free space drops below this (default: 1G).")
    long minFree = 1L << 30;

    @Option(names = "--max-rate", paramLabel = "SIZE", converter = Sizes.class, description = "Bytes per second per writer; 0 = unthrottled (default).")
    long maxRate;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "After STOP, how long to wait for the collector to acknowledge everything (default: 30s).")
    Duration drainTimeout = Duration.ofSeconds(30);

    @Option(names = "--buffer", paramLabel = "N", description = "Messages kept while the collector is away; beyond, the oldest samples go (default: ${DEFAULT-VALUE}).")
    int buffer = 10_000;

    public static void main(String[] args) {
        ServiceLauncher.main(new AgentCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config = new AgentConfig(id != null ? id : defaultId(), runtime, chunkSize, fileSize, dir, writers, heartbeat,
                monitor, collector != null ? AgentConfig.address(collector) : null,
                collector == null ? ZooKeeperConfig.of(zk, zkRoot).withAuth(ZooKeeperAuth.readIfGiven(zkAuth)) : null, run, keepFiles, minFree,
                maxRate, drainTimeout, buffer, expect);
        try (Agent agent = new Agent(config)) {
            StopSignals.onStop(agent::stopEarly);
            Agent.Result r = agent.run();
            System.out.printf("%s run %s: %d bytes, %d files, %d rollovers, %d chunks in %d ms (%s)%s%n", r.agent(), r.run(), r.bytes(),
                    r.files(), r.rollovers(), r.chunks(), r.elapsedMs(), r.stopReason(), r.delivered() ? "" : "; NOT all delivered");
            return r.delivered() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
        } catch (UnknownHostException e) {
            host = "agent";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
