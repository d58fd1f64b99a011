package io.tcpmesh.echo;

import io.tcpmesh.coordination.Backoff;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.echo.client.EchoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EchoClientIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private EchoNodes nodes;

    @AfterEach
    void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** Thread-safe capture of what the client prints. */
    private static final class Captured {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (stream) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** An echo-client reading from a pipe the test types into, run on another thread. */
    private record Session(EchoClient client, PipedOutputStream typing, Captured out, Captured err,
                           CompletableFuture<Integer> exit) {
    }

    private static Session startClient(ServiceWatch watch) throws java.io.IOException {
        Captured out = new Captured();
        Captured err = new Captured();
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        EchoClient client = new EchoClient(() -> MasterLocator.masterAddress(watch.instances()),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)), out.stream, err.stream);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return client.run(stdin, Duration.ofSeconds(5));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        return new Session(client, typing, out, err, exit);
    }

    @Test
    void clientFollowsMasterPortAcrossFailoverAndKeepsEchoing() throws Exception {
        nodes = new EchoNodes(zk);
        nodes.startMany(2);
        RunningService leader = Timing.await("a leader", Duration.ofSeconds(10), nodes::onlyServing, Optional::isPresent).get();
        ServiceWatch watch = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("echo");

        Session session = startClient(watch);
        Captured out = session.out();
        Captured err = session.err();
        PipedOutputStream typing = session.typing();
        EchoClient client = session.client();
        CompletableFuture<Integer> exit = session.exit();
        try {
            typing.write("before fail-over\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            Timing.await("first line echoed", Duration.ofSeconds(10), () -> out.text().contains("before fail-over\n"));

            leader.close();
            Timing.await("client reports the lost connection", Duration.ofSeconds(5), () -> err.text().contains("lost"));
            Timing.await("client reconnects to the new leader", Duration.ofSeconds(10), () -> err.text().contains("reconnected to"));

            typing.write("after fail-over\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            Timing.await("second line echoed", Duration.ofSeconds(10), () -> out.text().contains("after fail-over\n"));
            typing.close();

            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(out.text()).isEqualTo("before fail-over\nafter fail-over\n");
            assertThat(client.outstanding()).isZero();
        } finally {
            client.close();
        }
    }

    @Test
    void linesTypedWhileNoLeaderIsKnownAreSentOnceOneIs() throws Exception {
        nodes = new EchoNodes(zk);
        ServiceWatch watch = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("echo");
        Session session = startClient(watch);
        Captured out = session.out();
        Captured err = session.err();
        PipedOutputStream typing = session.typing();
        EchoClient client = session.client();
        CompletableFuture<Integer> exit = session.exit();
        try {
            typing.write("early\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            Timing.await("client says no leader is known", Duration.ofSeconds(5), () -> err.text().contains("no leader known"));

            nodes.start();
            Timing.await("line echoed once a node leads", Duration.ofSeconds(10), () -> out.text() + "|" + err.text(), t -> t.startsWith("early\n|"));
            typing.close();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        } finally {
            client.close();
        }
    }
}
