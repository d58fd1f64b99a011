package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.InstanceDetails;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcpmesh-status --wait}, which start-cluster.sh waits on: done when the counts are reached, not before. */
class StatusCommandIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private CompletableFuture<Integer> waitFor(String counts, String timeout) {
        return CompletableFuture.supplyAsync(() -> ServiceLauncher.execute(new StatusCommand(), "--zk", zk.connectString(),
                "--zk-root", zk.root(), "--quiet", "--wait", counts, "--timeout", timeout));
    }

    private void register(ServiceRegistry registry, String service, int port) {
        String id = service + "-" + port;
        registry.register(service, id, "127.0.0.1", port, new InstanceDetails(id, "test", 1L, Map.of()));
    }

    @Test
    void waitsForAServiceThatHasNoNodeYetAndEndsOnceEveryCountIsReached() throws Exception {
        ServiceRegistry registry = zk.track(new ServiceRegistry(zk.newClient()).start());
        register(registry, "md5", 7001);
        CompletableFuture<Integer> waiting = waitFor("md5=2,echo=1", "5m");

        Timing.holdsFor("still waiting with md5 1 of 2 and no echo", Duration.ofMillis(1500), () -> !waiting.isDone());
        register(registry, "md5", 7002);
        Timing.holdsFor("still waiting for echo, whose folder does not exist yet", Duration.ofMillis(1500), () -> !waiting.isDone());
        register(registry, "echo", 9601);

        assertThat(waiting.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS)).isZero();
    }

    @Test
    void countsNotReachedWithinTheTimeoutAreExitCode1() throws Exception {
        ServiceRegistry registry = zk.track(new ServiceRegistry(zk.newClient()).start());
        register(registry, "md5", 7001);

        assertThat(waitFor("md5=2", "2s").get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1);
    }
}
