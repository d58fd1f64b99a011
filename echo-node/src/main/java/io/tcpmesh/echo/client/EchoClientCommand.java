package io.tcpmesh.echo.client;

import io.tcpmesh.coordination.Backoff;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.echo.MasterLocator;
import io.tcpmesh.coordination.cli.ZooKeeperOptions;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code echo-client}: lines from standard input to the echo master port, echoes to standard output. */
@Command(name = "echo-client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Sends each line of standard input to the echo cluster's master port and prints what comes back.",
                "Finds the leader through ZooKeeper unless --host and --port are given; when the connection drops it "
                        + "reconnects (exponential backoff with jitter) and says so on standard error."})
public final class EchoClientCommand implements Callable<Integer> {
    @Mixin
    ZooKeeperOptions zk = new ZooKeeperOptions();

    @Option(names = "--host", paramLabel = "HOST", description = "Connect here instead of asking ZooKeeper (needs --port).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to connect to with --host.")
    int port;

    @Option(names = "--backoff-initial", paramLabel = "DURATION", converter = Durations.class,
            description = "First reconnection delay (default: 100ms); it doubles up to --backoff-max, with jitter.")
    Duration backoffInitial = Duration.ofMillis(100);

    @Option(names = "--backoff-max", paramLabel = "DURATION", converter = Durations.class,
            description = "Longest reconnection delay (default: 5s).")
    Duration backoffMax = Duration.ofSeconds(5);

    @Option(names = "--linger", paramLabel = "DURATION", converter = Durations.class,
            description = "At end of input, how long to wait for the last echoes (default: 5s).")
    Duration linger = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
        Backoff backoff = backoff();
        if (host != null) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port must be in 1..65535 with --host, not " + port);
            }
            InetSocketAddress fixed = InetSocketAddress.createUnresolved(host, port);
            return run(() -> Optional.of(fixed), backoff);
        }
        try (CuratorFramework client = ZooKeeperClients.start(zk.config());
             ServiceRegistry registry = new ServiceRegistry(client).start()) {
            ServiceWatch watch = registry.watch("echo");
            return run(() -> MasterLocator.masterAddress(watch.instances()), backoff);
        }
    }

    private Backoff backoff() {
        if (backoffInitial.toMillis() < 1) {
            throw new IllegalArgumentException("--backoff-initial must be at least 1ms, not " + backoffInitial.toMillis() + " ms");
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("--backoff-max (" + backoffMax.toMillis() + " ms) cannot be shorter than --backoff-initial ("
                    + backoffInitial.toMillis() + " ms)");
        }
        return new Backoff(backoffInitial, backoffMax);
    }

    private int run(Supplier<Optional<InetSocketAddress>> target, Backoff backoff) throws Exception {
        try (EchoClient client = new EchoClient(target, backoff, System.out, System.err)) {
            return client.run(System.in, linger);
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new EchoClientCommand(), args);
    }
}
