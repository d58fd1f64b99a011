package io.tcpmesh.numbers;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code numbers-server}: streams resumable number sequences; see docs/numbers-protocol.md. */
@Command(name = "numbers-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Streams resumable number sequences with a checksum over a line protocol (docs/numbers-protocol.md).",
                "Registers as service 'numbers' in ZooKeeper; stateful sessions survive a dropped connection and a change of server."})
public final class NumbersServerCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service = new ServiceOptions(7101);

    @Option(names = "--interval", paramLabel = "DURATION", converter = Durations.class,
            description = "Time between two messages of a stream (default: 1s).")
    Duration interval = Duration.ofSeconds(1);

    @Option(names = "--expiry", paramLabel = "DURATION", converter = Durations.class,
            description = "How long a disconnected stateful session is kept for a resume (default: 30s).")
    Duration expiry = Duration.ofSeconds(30);

    @Option(names = "--fail-every", paramLabel = "N",
            description = "Failure injection: drop a connection after every N-th message of its stream (default: 0, never).")
    int failEvery;

    @Option(names = "--offline-for", paramLabel = "DURATION", converter = Durations.class,
            description = "Failure injection: after such a drop, refuse new connections with 'ERR offline' this long (default: 0s).")
    Duration offlineFor = Duration.ZERO;

    @Option(names = "--store", paramLabel = "KIND",
            description = "Where stateful sessions live: zookeeper (shared by every server: resume anywhere) or memory (this process only). Default: ${DEFAULT-VALUE}.")
    String store = "zookeeper";

    @Option(names = "--max-sessions", paramLabel = "N",
            description = "Most connections served at once; more get 'ERR full' (default: ${DEFAULT-VALUE}).")
    int maxSessions = 20_000;

    @Option(names = "--hello-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Deadline for a new connection's HELLO line, counted from the connect, however its bytes trickle in; then 'ERR malformed' and close (default: 10s).")
    Duration helloTimeout = Duration.ofSeconds(10);

    public static void main(String[] args) {
        // MINA logs every write to a peer that has gone (broken pipe, reset) at ERROR; a stream whose client
        // left ends that way as a matter of course, and the handler logs it at debug
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.mina.core.service.IoProcessor",
                System.getProperty("org.slf4j.simpleLogger.log.org.apache.mina.core.service.IoProcessor", "off"));
        ServiceLauncher.main(new NumbersServerCommand(), args);
    }

    NumbersConfig config() {
        return new NumbersConfig(interval, expiry, failEvery, offlineFor, storeKind(), maxSessions, helloTimeout);
    }

    private StoreKind storeKind() {
        return switch (store.trim().toLowerCase()) {
            case "zookeeper", "zk", "auto" -> StoreKind.ZOOKEEPER;
            case "memory" -> StoreKind.MEMORY;
            default -> throw new IllegalArgumentException("--store must be zookeeper or memory, not '" + store + "'");
        };
    }

    @Override
    public Integer call() throws Exception {
        return ServiceLauncher.serve("numbers", service, new NumbersModule(config()));
    }
}
