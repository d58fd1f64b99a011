package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.ZooKeeperConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** How a client command (status, members, echo-client) reaches ZooKeeper, as a picocli mixin. */
public final class ZooKeeperOptions {
    @Option(names = "--zk", paramLabel = "HOST:PORT[,...]", description = "ZooKeeper ensemble (default: ${DEFAULT-VALUE}).")
    String zk = ZooKeeperConfig.DEFAULT_CONNECT_STRING;

    @Option(names = "--zk-root", paramLabel = "PATH", description = "ZooKeeper folder of the cluster (default: ${DEFAULT-VALUE}).")
    String zkRoot = ZooKeeperConfig.DEFAULT_ROOT;

    @Option(names = "--zk-auth", paramLabel = "FILE", defaultValue = "${env:" + ZooKeeperAuth.ENV + "}", description = ZooKeeperAuth.OPTION_HELP)
    Path zkAuth;

    @Option(names = "--zk-wait", paramLabel = "DURATION", converter = Durations.class,
            description = "How long to wait for ZooKeeper to answer (default: 5s).")
    Duration wait = Duration.ofSeconds(5);

    public ZooKeeperOptions zk(String connectString) {
        this.zk = connectString;
        return this;
    }

    public ZooKeeperOptions zkRoot(String root) {
        this.zkRoot = root;
        return this;
    }

    public ZooKeeperOptions zkAuth(Path secretFile) {
        this.zkAuth = secretFile;
        return this;
    }

    /** The ZooKeeper configuration; reads the {@code --zk-auth} file, and throws naming it when that fails. */
    public ZooKeeperConfig config() {
        return ZooKeeperConfig.of(zk, zkRoot).withAuth(ZooKeeperAuth.readIfGiven(zkAuth));
    }

    public Duration zkWait() {
        return wait;
    }
}
