package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-client catalogue against one proxy while a well-behaved md5 client runs beside it: slow-loris
 * connections from one address (capped by MaxConnectionsPerSource), floods that never read and then leave,
 * garbage then a reset, connect-and-vanish. The well-behaved client gets every digest right, and the proxy's
 * process is back at its descriptor count afterwards.
 *
 * <p>The per-source cap counts per address, so each attacker connects from a loopback address of its own
 * (127.0.0.2 and up) and the well-behaved client on 127.0.0.1 shares its share with nobody.
 */
class HostileClientsIT {
    private static final String REQUEST = "Hello, MD5 server!";
    private static final String DIGEST = "ba6f4fdbbfad6e8613f4f9459db93c7e\n";

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private static final String LORIS = "127.0.0.2";
    private static final String FLOODER = "127.0.0.3";
    private static final String GARBAGE = "127.0.0.4";
    private static final String VANISHER = "127.0.0.5";
    /** What one flood sends at most before it leaves. */
    private static final int FLOOD_BLOCKS = 64; // 4 MiB

    @Test
    void wellBehavedClientIsServedAndDescriptorsComeBack() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5); TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["%s"], "MaxConnectionsPerSource": 20, "ConnectTimeout": %d},
                              {"Name": "echo", "Ports": [0], "Targets": ["%s"], "MaxConnectionsPerSource": 20}]}"""
                    .formatted(md5.target(), Timing.seconds(2).toMillis(), echo.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            int md5Port = proxy.ports("md5").get(0);
            int echoPort = proxy.ports("echo").get(0);
            for (int i = 0; i < 5; i++) {
                assertThat(ProxyFixture.request(md5Port, REQUEST)).isEqualTo(DIGEST); // warm: lazily opened files
            }
            Timing.await("quiet before the baseline", Duration.ofSeconds(10), () -> proxy.activeConnections() == 0);
            int baseline = descriptors();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger served = new AtomicInteger();
            List<String> wrong = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newCachedThreadPool();
            Future<?> good = pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        String got = ProxyFixture.request(md5Port, REQUEST);
                        if (got.equals(DIGEST)) {
                            served.incrementAndGet();
                        } else {
                            wrong.add("answer '" + got + "'");
                        }
                    } catch (IOException e) {
                        wrong.add(e.toString());
                    }
                }
            });
            List<Socket> loris = slowLoris(md5Port, 60);
            long open;
            try {
                List<Future<?>> hostile = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    hostile.add(pool.submit(() -> floodWithoutReading(echoPort)));
                }
                hostile.add(pool.submit(() -> garbageThenReset(md5Port, 30)));
                hostile.add(pool.submit(() -> connectAndVanish(md5Port, 30)));
                pool.submit(() -> trickle(loris, stop));
                for (Future<?> f : hostile) {
                    f.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
                }
                int before = served.get();
                Timing.await("the well-behaved client still served", Duration.ofSeconds(20), () -> served.get() > before + 20);
            } finally {
                stop.set(true); // the loops end whatever failed above
                good.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS);
                open = loris.stream().filter(s -> !s.isClosed()).count();
                for (Socket s : loris) {
                    s.close();
                }
                pool.shutdownNow();
            }

            assertThat(wrong).as("the well-behaved client's failures (of %d)", served.get()).isEmpty();
            assertThat(proxy.app("md5").stats().rejected()).as("slow-loris connections past the per-source cap").isGreaterThanOrEqualTo(40);
            assertThat(open).isEqualTo(60);
            Timing.await("every connection gone", Duration.ofSeconds(20), () -> proxy.activeConnections() == 0);
            Timing.await("the proxy's queues empty", Duration.ofSeconds(20), () -> proxy.queuedBytes() == 0);
            Timing.await("descriptors back at the baseline of " + baseline, Duration.ofSeconds(20), () -> descriptors() <= baseline);
        }
    }

    /** A connection to the proxy's {@code port} from the loopback address {@code from}. */
    private static Socket from(String from, int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Connections from their own address that will trickle one byte at a time: all but 20 are refused by the cap. */
    private static List<Socket> slowLoris(int port, int n) throws IOException {
        List<Socket> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(from(LORIS, port));
        }
        return all;
    }

    private static void trickle(List<Socket> loris, AtomicBoolean stop) {
        while (!stop.get()) {
            for (Socket s : loris) {
                try {
                    s.getOutputStream().write('x');
                } catch (IOException refused) {
                    // closed by the cap
                }
            }
            try {
                Thread.sleep(200); // the attacker's own pace
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sends up to 4 MiB without reading the echo, then closes with the echo unread. */
    private static void floodWithoutReading(int port) {
        try (Socket s = from(FLOODER, port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            byte[] block = new byte[64 * 1024];
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(3000); // how long this attacker pushes before it leaves
                    s.close();
                } catch (Exception ignored) {
                    // gone already
                }
            });
            closer.setDaemon(true);
            closer.start();
            for (int i = 0; i < FLOOD_BLOCKS; i++) {
                out.write(block);
            }
        } catch (IOException expected) {
            // blocked by backpressure, then closed under the write
        }
    }

    private static void garbageThenReset(int port, int n) {
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            try (Socket s = from(GARBAGE, port)) {
                byte[] junk = new byte[1 + random.nextInt(8192)];
                random.nextBytes(junk);
                s.getOutputStream().write(junk);
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // reset is the point
            }
        }
    }

    private static void connectAndVanish(int port, int n) {
        for (int i = 0; i < n; i++) {
            try {
                from(VANISHER, port).close();
            } catch (IOException ignored) {
                // refused under load is fine for this attacker
            }
        }
    }

    private static int descriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
