package io.tcpmesh.echo;

import io.tcpmesh.coordination.LeaderElection;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static io.tcpmesh.echo.EchoNodes.answers;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fencing with real processes: a leader frozen (SIGSTOP) past its session timeout, then resumed,
 * echoes nothing on the master port, neither a line buffered on an open session nor a connection that
 * waited in its listen backlog; the successor serves the master port moments after the resume.
 */
class EchoFencingIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void aLeaderFrozenPastItsSessionEchoesNothingAfterItWakes() throws Exception {
        int master = EchoNodes.freePort();
        String[] args = {"--master-port", Integer.toString(master), "--zk", zk.connectString(), "--zk-root", zk.root(),
                "--zk-session-timeout", "2s", "--drain-timeout", "200ms"};
        CuratorFramework client = zk.newClient();
        try (EchoProcess a = EchoProcess.start("echo-a", args); EchoProcess b = EchoProcess.start("echo-b", args)) {
            Timing.await("the master port answering", Duration.ofSeconds(30), () -> answers(master));
            String leaderId = Timing.await("an elected leader", Duration.ofSeconds(10),
                    () -> LeaderElection.leaderOf(client, EchoNode.ELECTION), Optional::isPresent).get();
            EchoProcess leader = leaderId.equals(a.id()) ? a : b;
            EchoProcess successor = leader == a ? b : a;

            try (Socket open = connect(master)) {
                open.getOutputStream().write("before\n".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(EchoNodes.readExactly(open.getInputStream(), 7), StandardCharsets.UTF_8)).isEqualTo("before\n");

                leader.signal("STOP");
                Socket queued;
                long resumed;
                try {
                    open.getOutputStream().write("during\n".getBytes(StandardCharsets.UTF_8));
                    queued = connect(master); // the kernel completes it into the frozen process's backlog
                    queued.getOutputStream().write("queued\n".getBytes(StandardCharsets.UTF_8));
                    Timing.await("the successor elected while the leader is frozen", Duration.ofSeconds(20),
                            () -> LeaderElection.leaderOf(client, EchoNode.ELECTION), id -> id.equals(Optional.of(successor.id())));
                } finally {
                    leader.signal("CONT");
                    resumed = System.nanoTime();
                }
                try (queued) {
                    Timing.await("the successor serving the master port", Duration.ofSeconds(5),
                            () -> successor.logged("serving master port") > 0);
                    long millis = (System.nanoTime() - resumed) / 1_000_000;
                    System.out.println("successor served the master port " + millis + " ms after the resume");
                    assertThat(Duration.ofMillis(millis)).isLessThanOrEqualTo(Timing.seconds(1));

                    assertThat(readUntilClosed(open)).as("echoed on the open session after the freeze").isEmpty();
                    assertThat(readUntilClosed(queued)).as("echoed on the queued connection").isEmpty();
                }
            }
            Timing.await("the master port answering again", Duration.ofSeconds(5), () -> answers(master));
            assertThat(leader.logged("refused, the lease does not hold") + leader.logged("released master port"))
                    .as("the old leader's log:%n%s", String.join("\n", leader.log())).isPositive();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(Math.toIntExact(Timing.seconds(10).toMillis()));
        return s;
    }

    /** Everything read until the peer closes or resets the connection. */
    private static String readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[256];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // closed with a reset: what came before it counts
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection was neither echoed nor closed; read so far: " + got, stillOpen);
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
