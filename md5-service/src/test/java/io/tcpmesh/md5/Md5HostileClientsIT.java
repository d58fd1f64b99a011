package io.tcpmesh.md5;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A catalogue of hostile and careless clients played against a real md5-service process while a
 * well-behaved client runs beside them: slow-loris connections (a byte every 500 ms), a trickle under the
 * minimum rate, a flood of connects, resets in mid-stream, and a client that never half-closes. The
 * well-behaved client's digests must all be right, every hostile connection must be closed by the server,
 * and the server's descriptor count must come back to its baseline.
 */
class Md5HostileClientsIT {
    private static final int LORIS = 50;
    private static final int FLOOD = 200;
    private static final int RESETS = 10;

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void hostileClientsAreClosedWhileAWellBehavedClientGetsEveryDigestRight() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counting a process's descriptors needs /proc");
        try (ServerProcess md5 = ServerProcess.start("128m", "--zk", zk.connectString(), "--zk-root", zk.root(),
                "--idle-timeout", "2s", "--min-rate", "1K", "--min-rate-window", "4s");
             WellBehaved good = new WellBehaved(md5.port())) {
            byte[] warmUp = "warm-up".getBytes(StandardCharsets.US_ASCII);
            assertThat(Md5Client.request(md5.port(), warmUp)).isEqualTo(Md5Client.md5(warmUp) + "\n");
            long baseline = descriptors(md5);
            good.start();

            List<Socket> loris = connect(md5.port(), LORIS);
            Socket trickle = Md5Client.connect(md5.port());
            Socket silent = Md5Client.connect(md5.port());
            silent.getOutputStream().write("no FIN follows".getBytes(StandardCharsets.US_ASCII));
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            try {
                ticker.scheduleAtFixedRate(() -> {
                    loris.forEach(s -> send(s, new byte[1]));
                    send(trickle, new byte[50]); // 100 B/s, a tenth of the minimum
                }, 0, 500, TimeUnit.MILLISECONDS);
                flood(md5.port());
                resetsInMidStream(md5.port());

                for (Socket s : loris) {
                    assertThat(closedByServer(s)).as("a slow-loris connection closed by the server").isTrue();
                }
                assertThat(closedByServer(trickle)).as("the trickle closed by the server").isTrue();
                assertThat(closedByServer(silent)).as("the connection that never half-closes closed").isTrue();
            } finally {
                ticker.shutdownNow();
                closeAll(loris);
                closeAll(List.of(trickle, silent));
            }

            good.finish();
            assertThat(good.failures).as("the well-behaved client's failures").isEmpty();
            assertThat(good.answered.get()).as("digests the well-behaved client checked").isPositive();
            Timing.await("the server's descriptors back at their baseline of " + baseline, Duration.ofSeconds(20),
                    () -> descriptors(md5), n -> n <= baseline);
            assertThat(md5.log()).filteredOn(l -> l.contains("under --min-rate")).hasSizeGreaterThanOrEqualTo(LORIS + 1);
            assertThat(md5.log()).anyMatch(l -> l.contains("idle for 2s after 14 bytes") && l.contains("nc -N"));
            assertThat(md5.process().isAlive()).isTrue();
        }
    }

    /** Requests of random sizes, one after another, each digest checked, until finished. */
    private static final class WellBehaved implements AutoCloseable {
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger answered = new AtomicInteger();
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        WellBehaved(int port) {
            this.port = port;
            this.thread = DaemonThreads.thread("well-behaved-client", this::loop);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            Random random = new Random(12);
            while (running.get()) {
                byte[] data = new byte[random.nextInt(256 * 1024)];
                random.nextBytes(data);
                try {
                    String answer = Md5Client.request(port, data);
                    if (!answer.equals(Md5Client.md5(data) + "\n")) {
                        failures.add("wrong digest for " + data.length + " bytes: " + answer);
                    }
                    answered.incrementAndGet();
                } catch (IOException e) {
                    failures.add(data.length + " bytes: " + e);
                }
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            thread.join(Timing.seconds(30).toMillis());
            assertThat(thread.isAlive()).as("the well-behaved client finished its last request").isFalse();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(Timing.seconds(30).toMillis());
        }
    }

    private static List<Socket> connect(int port, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(Md5Client.connect(port));
        }
        return sockets;
    }

    /** Connects and closes at once, again and again; every second one sends a few bytes first. */
    private static void flood(int port) throws IOException {
        for (int i = 0; i < FLOOD; i++) {
            try (Socket s = Md5Client.connect(port)) {
                if (i % 2 == 0) {
                    s.getOutputStream().write(new byte[16]);
                }
            }
        }
    }

    /** Streams part of a large request, then resets the connection (SO_LINGER 0: an RST, not a FIN). */
    private static void resetsInMidStream(int port) throws IOException {
        byte[] chunk = new byte[256 * 1024];
        for (int i = 0; i < RESETS; i++) {
            Socket s = Md5Client.connect(port);
            s.getOutputStream().write(chunk);
            s.setSoLinger(true, 0);
            s.close();
        }
    }

    private static void send(Socket s, byte[] bytes) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closed) {
            // the server closed it: what the test waits for
        }
    }

    /** True when the server closed the connection without an answer: end of stream or a reset, within a bound. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout((int) Timing.seconds(15).toMillis());
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static long descriptors(ServerProcess md5) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(md5.process().pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the server's descriptors", e);
        }
    }
}
