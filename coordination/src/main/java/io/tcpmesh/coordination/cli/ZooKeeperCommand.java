package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.StopSignals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dist/bin/zookeeper}: the embedded, standalone ZooKeeper server. */
@Command(name = "zookeeper", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Runs a ZooKeeper server (the real one, from the zookeeper jar) for a tcpmesh cluster: standalone by default,",
                "or, with --members and --id, one member of an ensemble (QuorumPeerMain; myid is written into --data-dir)."})
public final class ZooKeeperCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 2181;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String bind = "0.0.0.0";

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Snapshots and transaction logs (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("zookeeper-data");

    @Option(names = "--tick", paramLabel = "DURATION", converter = Durations.class,
            description = "ZooKeeper's tick; sessions may last 2 to 20 ticks (default: 500ms).")
    Duration tick = EmbeddedZooKeeper.DEFAULT_TICK;

    @Option(names = "--members", paramLabel = "HOST:PEER:ELECTION[,...]", split = ",",
            description = "Every member of the ensemble, this one included, as host:peerPort:electionPort; member N is "
                    + "the Nth entry. Every member must be given the same list.")
    List<String> members = List.of();

    @Option(names = "--id", paramLabel = "N", description = "This member's number in --members (1..n); needs --members.")
    Integer id;

    public static void main(String[] args) {
        ServiceLauncher.main(new ZooKeeperCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (tick.toMillis() < 1 || tick.toMillis() > 60_000) {
            throw new IllegalArgumentException("--tick must be between 1ms and 60s, not " + Durations.format(tick));
        }
        if (members.isEmpty() != (id == null)) {
            throw new IllegalArgumentException("--members and --id go together: an ensemble member needs both");
        }
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        if (id != null) {
            return member(stop);
        }
        try (EmbeddedZooKeeper server = new EmbeddedZooKeeper(bind, port, dataDir, tick).start(Duration.ofSeconds(30))) {
            System.out.println("zookeeper serving on " + server.connectString());
            System.out.flush();
            stop.await();
        }
        return ExitCodes.OK;
    }

    private int member(CountDownLatch stop) throws Exception {
        List<QuorumMember.Address> addresses = members.stream().map(QuorumMember.Address::parse).toList();
        try (QuorumMember member = new QuorumMember(id, addresses, bind, port, dataDir, tick).start(Duration.ofSeconds(30))) {
            System.out.println("zookeeper member " + id + " of " + addresses.size() + " serving on " + member.connectString());
            System.out.flush();
            stop.await();
        }
        return ExitCodes.OK;
    }
}
