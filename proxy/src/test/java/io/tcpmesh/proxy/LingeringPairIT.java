package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A side left behind that cannot drain is closed within a bound (the drain bound after its peer closed, the
 * StallTimeout while its peer's reads are paused for it), not at the idle timeout.
 */
class LingeringPairIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void clientThatSendsWithoutReadingThenLeavesFreesTheTargetAndItsQueue() throws Exception {
        pairIsFreedAfterTheClientLeaves(TestBackend.Mode.ECHO);
    }

    @Test
    void clientThatResetsWhileItsReadsArePausedForATargetThatTakesNothingIsNoticed() throws Exception {
        pausedClientLeaves(true);
    }

    @Test
    void clientThatClosesWhileItsReadsArePausedForATargetThatTakesNothingIsNoticed() throws Exception {
        pausedClientLeaves(false);
    }

    /**
     * The target accepts nothing (its kernel takes bytes until its buffer is full), so the proxy pauses reading the
     * client; the client then leaves. Its FIN (or reset) waits behind the bytes the proxy does not read, so only the
     * StallTimeout can free the pair: the target has taken no byte for that long while the client is paused for it.
     */
    private void pausedClientLeaves(boolean reset) throws Exception {
        try (TestBackend frozen = new TestBackend(TestBackend.Mode.FROZEN)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "sink", "Ports": [0], "Targets": ["%s"], "IdleTimeout": "5m", "StallTimeout": "1s"}]}"""
                    .formatted(frozen.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            Socket client = ProxyFixture.connect(proxy.ports("sink").get(0));
            Thread writer = writeUntilClosed(client);
            Timing.await("the client's reads paused for the target", Duration.ofSeconds(20),
                    () -> proxy.queuedBytes() > ProxyConnection.HIGH_WATER);
            if (reset) {
                client.setSoLinger(true, 0);
            }
            client.close();
            Timing.await("the pair closed and its queue freed", Duration.ofSeconds(10),
                    () -> proxy.activeConnections() == 0 && proxy.queuedBytes() == 0);
            writer.join(Timing.seconds(10).toMillis());
        }
    }

    private static Thread writeUntilClosed(Socket client) {
        Thread writer = new Thread(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < 1024; i++) {
                    out.write(block); // blocks once every buffer on the way is full
                }
            } catch (IOException closed) {
                // the test closed the socket under the blocked write
            }
        }, "client-writer");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    private void pairIsFreedAfterTheClientLeaves(TestBackend.Mode mode) throws Exception {
        try (TestBackend echo = new TestBackend(mode)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s"], "IdleTimeout": "5m"}]}""".formatted(echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            Socket client = ProxyFixture.connect(proxy.ports("echo").get(0));
            Thread writer = writeUntilClosed(client); // nobody reads the echo
            // jammed both ways: the echo waits for the proxy to read it, the proxy waits for the client to read
            Timing.await("both directions queued in the proxy", Duration.ofSeconds(20),
                    () -> proxy.queuedBytes() > ProxyConnection.HIGH_WATER * 3 / 2);

            client.close();
            long closedAt = System.nanoTime();

            Timing.await("the proxy's queues empty again", Duration.ofSeconds(10), () -> proxy.queuedBytes() == 0);
            Timing.await("the target's connection closed", Duration.ofSeconds(10), () -> echo.openConnections() == 0);
            System.out.printf("%s: pair freed %d ms after the client left%n", mode, (System.nanoTime() - closedAt) / 1_000_000);
            assertThat(proxy.activeConnections()).isZero();
            writer.join(Timing.seconds(10).toMillis());
        }
    }
}
