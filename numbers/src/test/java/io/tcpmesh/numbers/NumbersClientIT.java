package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.numbers.client.NumbersClientCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.tcpmesh.numbers.NumbersServers.FAST;
import static org.assertj.core.api.Assertions.assertThat;

class NumbersClientIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void clientFindsServersInZooKeeperAndExitsZeroWhenVerified() throws Exception {
        NumbersServers.start(zk, FAST.withFailures(4, Duration.ofMillis(20)));
        int code = ServiceLauncher.execute(new NumbersClientCommand(), "--zk", zk.connectString(), "--zk-root", zk.root(),
                "--count", "12", "--backoff", "5ms", "--max-backoff", "50ms", "--give-up", "10s");
        assertThat(code).isZero();
    }

    @Test
    void clientExitsFourWhenItsSessionIsRefused() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withInterval(Duration.ofSeconds(1)));
        try (LineClient other = new LineClient(server.port())) {
            assertThat(other.sendLine("HELLO 1 stateful taken 1000 0").readLine()).startsWith("OK ");
            int code = ServiceLauncher.execute(new NumbersClientCommand(), "--port", Integer.toString(server.port()),
                    "--client-id", "taken", "--count", "5", "--give-up", "10s");
            assertThat(code).isEqualTo(4);
        }
    }

    @Test
    void clientGivesUpWithFiveWhenNoServerAnswers() {
        int code = ServiceLauncher.execute(new NumbersClientCommand(), "--port", "1", "--count", "5",
                "--backoff", "5ms", "--max-backoff", "20ms", "--give-up", "300ms");
        assertThat(code).isEqualTo(5);
    }
}
