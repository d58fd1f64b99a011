package io.tcpmesh.numbers.client;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.Variant;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** {@code numbers-client}: receives one stream, resuming after drops, and checks it. */
@Command(name = "numbers-client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Receives one numbers stream, reconnecting with capped exponential backoff and jitter, and checks it.",
                "Exit codes: 0 complete and verified; 1 gap, duplicate or checksum mismatch; 2 bad options;",
                "4 session refused (expired, unknown, mismatch...); 5 gave up (nothing received for --give-up)."})
public final class NumbersClientCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "HOST", description = "Server or proxy host (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Server or proxy port (default: ${DEFAULT-VALUE}, the proxy's numbers port).")
    int port = 7100;

    @Option(names = "--zk", paramLabel = "HOST:PORT[,...]",
            description = "Find the numbers servers in this ZooKeeper instead of --host/--port; each attempt picks one at random.")
    String zk;

    @Option(names = "--zk-root", paramLabel = "PATH", description = "ZooKeeper root of the cluster (default: ${DEFAULT-VALUE}).")
    String zkRoot = ZooKeeperConfig.DEFAULT_ROOT;

    @Option(names = "--zk-auth", paramLabel = "FILE", defaultValue = "${env:" + ZooKeeperAuth.ENV + "}", description = ZooKeeperAuth.OPTION_HELP)
    Path zkAuth;

    @Option(names = "--count", paramLabel = "N|random",
            description = {"How many messages, 1..65535, or 'random' for a random count like the original (default: ${DEFAULT-VALUE}).",
                    "At the server's default of one message a second, 65535 messages take 18 h 12 min; the client prints the expected duration when it starts."})
    String count = "10";

    @Option(names = "--client-id", paramLabel = "ID", description = "Session id (default: a random UUID). The id of an earlier run restarts its stream from the first message, or is refused once expired.")
    String clientId;

    @Option(names = "--stateless", description = "Ask for the stateless doubling stream (a, 2a, 4a, ...) instead of the stateful one.")
    boolean stateless;

    @Option(names = "--backoff", paramLabel = "DURATION", converter = Durations.class, description = "First wait after a failed connection (default: 100ms).")
    Duration backoff = Duration.ofMillis(100);

    @Option(names = "--max-backoff", paramLabel = "DURATION", converter = Durations.class, description = "Longest wait between connections (default: 5s).")
    Duration maxBackoff = Duration.ofSeconds(5);

    @Option(names = "--give-up", paramLabel = "DURATION", converter = Durations.class,
            description = "Stop when nothing was received this long (default: 60s).")
    Duration giveUp = Duration.ofSeconds(60);

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Reconnect when a connection is silent this long (default: 10s).")
    Duration readTimeout = Duration.ofSeconds(10);

    @Option(names = "--print", description = "Print every message as 'INDEX VALUE'.")
    boolean print;

    public static void main(String[] args) {
        ServiceLauncher.main(new NumbersClientCommand(), args);
    }

    ClientOptions options() {
        int n = count.equals("random") ? ThreadLocalRandom.current().nextInt(1, Protocol.MAX_COUNT + 1) : parseCount();
        String id = clientId != null ? clientId : UUID.randomUUID().toString();
        return new ClientOptions(stateless ? Variant.STATELESS : Variant.STATEFUL, id, n, backoff, maxBackoff, giveUp, readTimeout);
    }

    private int parseCount() {
        try {
            return Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--count must be a number in 1.." + Protocol.MAX_COUNT + " or 'random', not '" + count + "'");
        }
    }

    @Override
    public Integer call() throws Exception {
        ClientOptions options = options();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 1..65535, not " + port);
        }
        PrintStream out = System.out;
        out.printf("%s stream %s of %d numbers%s%n", options.variant().name().toLowerCase(), options.clientId(), options.count(),
                count.equals("random") ? " (--count random)" : "");
        out.printf("expected to take about %s at one message per second (the server's default --interval)%n",
                expectedDuration(options.count()));
        CuratorFramework client = zk == null ? null : ZooKeeperClients.start(ZooKeeperConfig.of(zk, zkRoot).withAuth(ZooKeeperAuth.readIfGiven(zkAuth)));
        ServiceRegistry registry = client == null ? null : new ServiceRegistry(client).start();
        try {
            Supplier<InetSocketAddress> servers = registry == null ? () -> new InetSocketAddress(host, port) : discovered(registry.watch("numbers"));
            NumbersClient numbers = new NumbersClient(options, servers, print ? out::println : line -> { }, System.err);
            ClientResult result = numbers.run();
            report(out, options, result);
            return result.outcome().exitCode();
        } finally {
            if (registry != null) {
                registry.close();
                client.close();
            }
        }
    }

    /** How long {@code count} messages take at one a second, as people say it: "18 h 12 min", "4 min 5 s", "10 s". */
    static String expectedDuration(int count) {
        long h = count / 3600;
        long m = count % 3600 / 60;
        long s = count % 60;
        if (h > 0) {
            return h + " h " + m + " min";
        }
        return m > 0 ? m + " min " + s + " s" : s + " s";
    }

    private static Supplier<InetSocketAddress> discovered(ServiceWatch watch) {
        return () -> {
            List<Instance> instances = watch.instances();
            if (instances.isEmpty()) {
                throw new IllegalStateException("no numbers server registered in ZooKeeper");
            }
            Instance i = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
            return new InetSocketAddress(i.host(), i.port());
        };
    }

    private static void report(PrintStream out, ClientOptions options, ClientResult r) {
        out.printf("received %d of %d numbers over %d connection(s)%n", r.received(), options.count(), r.connections());
        String what = options.variant() == Variant.STATEFUL ? "checksum" : "sum";
        if (r.server() != null) {
            out.printf("%s %s, server %s%n", what, r.local(), r.server());
        }
        out.println(r.ok() ? "OK" : "FAILED (" + r.outcome().name().toLowerCase().replace('_', ' ') + "): " + r.detail());
    }
}
