package io.tcpmesh.md5;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code md5-service}: answers the MD5 of every connection's bytes once the client half-closes. */
@Command(name = "md5-service", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Streaming MD5 server. A client sends any bytes and half-closes (FIN); the server answers "
                + "the MD5 as 32 lowercase hex digits and a newline, then closes.",
                "Registers in ZooKeeper as service 'md5'; serves at once even while ZooKeeper is down.",
                "Example: echo -n 'Hello, MD5 server!' | nc -N localhost 7001",
                "nc needs -N (half-close at the end of its input); without it nothing comes back, and the "
                        + "connection is closed unanswered after --idle-timeout."})
public final class Md5ServiceCommand implements Callable<Integer> {
    public static final String SERVICE = "md5";

    @Mixin
    ServiceOptions service = new ServiceOptions(7001);

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Close, unanswered, a connection that sends nothing for this long; whole seconds (default: 30s).")
    Duration idleTimeout = Md5Config.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections served at once; past it new ones are closed at once and counted (default: ${DEFAULT-VALUE}).")
    int maxConnections = Md5Config.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--hashing", paramLabel = "io|executor",
            description = "Hash on the I/O threads (io: measured to cost less CPU per byte, see docs/md5-service.md) or on a pool of hashing threads (executor) (default: io).")
    String hashing = "io";

    @Option(names = "--io-threads", paramLabel = "N",
            description = "I/O threads, and hashing threads with --hashing executor (default: the number of cores, ${DEFAULT-VALUE}).")
    int ioThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--max-backlog", paramLabel = "SIZE", converter = Sizes.class,
            description = "With --hashing executor: bytes read but not yet hashed per connection before reading pauses (default: 1M).")
    long maxBacklog = Md5Config.DEFAULT_MAX_BACKLOG;

    @Option(names = "--min-rate", paramLabel = "SIZE", converter = Sizes.class,
            description = "Bytes per second a connection must send, on average over each --min-rate-window, until it "
                    + "half-closes; a slower one is closed unanswered (slow-loris). 0 turns it off (default: 1K).")
    long minRate = Md5Config.DEFAULT_MIN_RATE;

    @Option(names = "--min-rate-window", paramLabel = "DURATION", converter = Durations.class,
            description = "The window --min-rate is measured over, counted from the connection's start (default: 30s).")
    Duration rateWindow = Md5Config.DEFAULT_RATE_WINDOW;

    @Override
    public Integer call() throws Exception {
        return ServiceLauncher.serve(SERVICE, service, new Md5Module(config()));
    }

    Md5Config config() {
        Hashing mode = switch (hashing.toLowerCase()) {
            case "io" -> Hashing.IO;
            case "executor" -> Hashing.EXECUTOR;
            default -> throw new IllegalArgumentException("--hashing must be io or executor, not '" + hashing + "'");
        };
        if (maxBacklog > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("--max-backlog must be at most 1G");
        }
        return new Md5Config(idleTimeout, maxConnections, mode, ioThreads, (int) maxBacklog, minRate, rateWindow);
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new Md5ServiceCommand(), args);
    }
}
