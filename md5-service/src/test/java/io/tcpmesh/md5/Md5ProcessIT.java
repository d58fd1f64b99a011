package io.tcpmesh.md5;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** md5-service as a real process (its own JVM, 64 MB heap), driven over real sockets and signals. */
class Md5ProcessIT {
    private static final long GIB = 1L << 30;

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private ServerProcess start(String... extra) throws IOException {
        String[] zkArgs = {"--zk", zk.connectString(), "--zk-root", zk.root(), "--zk-session-timeout", "2s"};
        String[] all = new String[zkArgs.length + extra.length];
        System.arraycopy(zkArgs, 0, all, 0, zkArgs.length);
        System.arraycopy(extra, 0, all, zkArgs.length, extra.length);
        return ServerProcess.start("64m", all);
    }

    @Test
    void oneGibStreamIsHashedWithA64MegabyteHeap() throws Exception {
        try (ServerProcess md5 = start()) {
            MessageDigest expected = MessageDigest.getInstance("MD5");
            byte[] block = new byte[1 << 20];
            new Random(42).nextBytes(block);
            try (Socket s = Md5Client.connect(md5.port())) {
                s.setSoTimeout((int) Timing.seconds(60).toMillis());
                OutputStream out = s.getOutputStream();
                for (long sent = 0; sent < GIB; sent += block.length) {
                    block[(int) (sent / block.length) % block.length]++; // every block differs
                    out.write(block);
                    expected.update(block);
                }
                s.shutdownOutput();
                assertThat(Md5Client.readToEnd(s)).isEqualTo(HexFormat.of().formatHex(expected.digest()) + "\n");
            }
            assertThat(md5.process().isAlive()).isTrue();
            assertThat(String.join("\n", md5.log())).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void sigtermDeregistersStopsAcceptingDrainsAndExitsZero() throws Exception {
        CuratorFramework client = zk.newClient();
        // the connection in progress idles on purpose: no minimum rate may close it while the test waits
        try (ServerProcess md5 = start("--drain-timeout", "20s", "--min-rate", "0")) {
            String path = "/services/md5/md5-" + md5.port();
            Timing.await("registered at " + path, Duration.ofSeconds(10), () -> exists(client, path));
            try (Socket inProgress = Md5Client.connect(md5.port())) {
                inProgress.getOutputStream().write("before SIGTERM, ".getBytes(StandardCharsets.US_ASCII));

                md5.terminate();
                Timing.await("deregistered", Duration.ofSeconds(10), () -> !exists(client, path));
                Timing.await("new connections refused", Duration.ofSeconds(10), () -> refuses(md5.port()));
                assertThat(md5.process().isAlive()).as("still draining the connection in progress").isTrue();

                inProgress.getOutputStream().write("after SIGTERM".getBytes(StandardCharsets.US_ASCII));
                inProgress.shutdownOutput();
                assertThat(Md5Client.readToEnd(inProgress))
                        .isEqualTo(Md5Client.md5("before SIGTERM, after SIGTERM".getBytes(StandardCharsets.US_ASCII)) + "\n");
            }
            assertThat(md5.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(md5.log()).anyMatch(l -> l.contains("deregistered md5/md5-" + md5.port()));
        }
    }

    @Test
    void realNetcatGetsTheDigest() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nc")) || Files.isExecutable(Path.of("/bin/nc")),
                "nc (netcat-openbsd) is not installed");
        try (ServerProcess md5 = start()) {
            assertThat(nc(md5.port(), "Hello, MD5 server!")).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
            assertThat(nc(md5.port(), "")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e\n");
        }
    }

    private static String nc(int port, String input) throws Exception {
        Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", String.valueOf(port)).redirectErrorStream(true).start();
        try {
            nc.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
            nc.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            nc.getInputStream().transferTo(out);
            assertThat(nc.waitFor(Timing.seconds(10).toMillis(), TimeUnit.MILLISECONDS)).as("nc exits").isTrue();
            assertThat(nc.exitValue()).isZero();
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            nc.destroyForcibly();
        }
    }

    private static boolean refuses(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean exists(CuratorFramework client, String path) {
        try {
            return client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            return false;
        }
    }
}
