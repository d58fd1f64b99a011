package io.tcpmesh.md5;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tcpmesh.md5.Md5Client.md5;
import static io.tcpmesh.md5.Md5Client.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The service in this JVM, started the way md5-service starts it, on port 0, against a real ZooKeeper. */
class Md5ServiceIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private RunningService start(Md5Config config) throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root())
                .zkSessionTimeout(Duration.ofSeconds(2)).bind("127.0.0.1").drainTimeout(Duration.ofSeconds(2));
        return ServiceLauncher.start(Md5ServiceCommand.SERVICE, options, new Md5Module(config));
    }

    private RunningService start() throws Exception {
        return start(Md5Config.defaults());
    }

    @Test
    void halfClosedConnectionGetsDigest() throws Exception {
        try (RunningService md5 = start()) {
            assertThat(request(md5.port(), "Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
        }
    }

    @Test
    void emptyInputGetsTheEmptyDigest() throws Exception {
        try (RunningService md5 = start()) {
            assertThat(request(md5.port(), new byte[0])).isEqualTo("d41d8cd98f00b204e9800998ecf8427e\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void thousandConcurrentConnectionsAllAnswered(Hashing hashing) throws Exception {
        int count = 1000;
        try (RunningService md5 = start(Md5Config.defaults().withHashing(hashing))) {
            List<Socket> sockets = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            Random random = new Random(1000);
            try {
                for (int i = 0; i < count; i++) {
                    byte[] data = new byte[random.nextInt(3000)];
                    random.nextBytes(data);
                    Socket s = Md5Client.connect(md5.port());
                    sockets.add(s);
                    s.getOutputStream().write(data);
                    expected.add(md5(data) + "\n");
                }
                // all 1000 are open at once before any half-closes
                Timing.await("1000 connections open", Duration.ofSeconds(10), () -> md5.instance(Md5Stats.class).open() == count);
                for (Socket s : sockets) {
                    s.shutdownOutput();
                }
                for (int i = 0; i < count; i++) {
                    assertThat(Md5Client.readToEnd(sockets.get(i))).as("connection %d", i).isEqualTo(expected.get(i));
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            assertThat(md5.instance(Md5Stats.class).answered()).isEqualTo(count);
        }
    }

    /** A fast sender against the smallest backlog: reading pauses and resumes thousands of times. */
    @Test
    void executorHashingPausesAndResumesReadingWithoutStalling() throws Exception {
        Md5Config config = new Md5Config(Duration.ofSeconds(30), 100, Hashing.EXECUTOR, 2, 64 * 1024,
                Md5Config.DEFAULT_MIN_RATE, Md5Config.DEFAULT_RATE_WINDOW);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RunningService md5 = start(config); Socket s = Md5Client.connect(md5.port())) {
            byte[] block = new byte[256 * 1024];
            new Random(64).nextBytes(block);
            MessageDigest expected = MessageDigest.getInstance("MD5");
            Future<?> sent = writer.submit(() -> {
                for (int i = 0; i < 256; i++) { // 64 MiB: a lost wake-up costs up to 1 s per pause
                    block[i]++;
                    s.getOutputStream().write(block);
                    expected.update(block);
                }
                s.shutdownOutput();
                return null;
            });
            // bounded: when reading stalls, the writer blocks; closing the socket then frees it
            sent.get(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Md5Client.readToEnd(s)).isEqualTo(HexFormat.of().formatHex(expected.digest()) + "\n");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void idleConnectionIsClosedWithoutAnswer() throws Exception {
        try (RunningService md5 = start(Md5Config.defaults().withIdleTimeout(Duration.ofSeconds(1)));
             Socket silent = Md5Client.connect(md5.port());
             Socket stalled = Md5Client.connect(md5.port())) {
            stalled.getOutputStream().write("some bytes, then nothing".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(silent.getInputStream().read()).as("silent connection closed, no answer").isEqualTo(-1);
            assertThat(stalled.getInputStream().read()).as("stalled connection closed, no answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(md5.instance(Md5Stats.class).idle()).isEqualTo(2);
            // an active connection is not idle
            assertThat(request(md5.port(), new byte[1])).hasSize(33);
        }
    }

    @Test
    void connectionsPastTheCapAreClosedAtOnceAndCounted() throws Exception {
        try (RunningService md5 = start(Md5Config.defaults().withMaxConnections(2));
             Socket first = Md5Client.connect(md5.port());
             Socket second = Md5Client.connect(md5.port())) {
            Md5Stats stats = md5.instance(Md5Stats.class);
            first.getOutputStream().write("first".getBytes(StandardCharsets.US_ASCII));
            second.getOutputStream().write("second".getBytes(StandardCharsets.US_ASCII));
            Timing.await("two connections open", Duration.ofSeconds(5), () -> stats.open() == 2);

            try (Socket third = Md5Client.connect(md5.port())) {
                assertThat(readOrReset(third.getInputStream())).as("third connection closed at once").isEqualTo(-1);
            }
            assertThat(stats.rejected()).isEqualTo(1);

            first.shutdownOutput();
            second.shutdownOutput();
            assertThat(Md5Client.readToEnd(first)).isEqualTo(md5("first".getBytes(StandardCharsets.US_ASCII)) + "\n");
            assertThat(Md5Client.readToEnd(second)).isEqualTo(md5("second".getBytes(StandardCharsets.US_ASCII)) + "\n");
            Timing.await("slots freed", Duration.ofSeconds(5), () -> stats.open() == 0);
            assertThat(request(md5.port(), new byte[0])).isEqualTo("d41d8cd98f00b204e9800998ecf8427e\n");
        }
    }

    @Test
    void resetBeforeHalfCloseCostsNothing() throws Exception {
        try (RunningService md5 = start()) {
            Md5Stats stats = md5.instance(Md5Stats.class);
            try (Socket s = Md5Client.connect(md5.port())) {
                s.getOutputStream().write(new byte[100_000]);
                Timing.await("bytes received", Duration.ofSeconds(5), () -> stats.bytes() > 0);
                s.setSoLinger(true, 0);
            }
            Timing.await("connection forgotten", Duration.ofSeconds(5), () -> stats.open() == 0);
            assertThat(stats.abandoned()).isEqualTo(1);
            assertThat(stats.answered()).isZero();
        }
    }

    @Test
    void registersInZooKeeperAndDeregistersOnClose() throws Exception {
        CuratorFramework client = zk.newClient();
        String path;
        try (RunningService md5 = start()) {
            path = "/services/md5/md5-" + md5.port();
            Timing.await("registered at " + path, Duration.ofSeconds(10), () -> exists(client, path));
            String json = new String(client.getData().forPath(path), StandardCharsets.UTF_8);
            assertThat(json).contains("\"port\":" + md5.port()).contains("\"address\":\"127.0.0.1\"");
        }
        assertThat(exists(client, path)).as("deregistered by close").isFalse();
    }

    @Test
    void servesWithoutZooKeeperAndRegistersWhenItComes() throws Exception {
        zk.stop();
        try (RunningService md5 = start()) {
            assertThat(request(md5.port(), "abc".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo("900150983cd24fb0d6963f7d28e17f72\n");
            zk.restart();
            CuratorFramework client = zk.newClient();
            String path = "/services/md5/md5-" + md5.port();
            Timing.await("registered once ZooKeeper is up", Duration.ofSeconds(20), () -> exists(client, path));
        }
    }

    private static boolean exists(CuratorFramework client, String path) {
        try {
            return client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
