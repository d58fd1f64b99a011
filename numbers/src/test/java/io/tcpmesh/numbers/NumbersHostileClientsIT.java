package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.numbers.client.ClientOptions;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.Checksum;
import io.tcpmesh.numbers.store.ZooKeeperSessionStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.tcpmesh.numbers.NumbersServers.FAST;
import static io.tcpmesh.numbers.NumbersServers.at;
import static io.tcpmesh.numbers.NumbersServers.options;
import static io.tcpmesh.numbers.NumbersServers.receive;
import static org.assertj.core.api.Assertions.assertThat;

/** Clients that do not play by docs/numbers-protocol.md, and what they may and may not cost others. */
class NumbersHostileClientsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private static NumbersConfig helloTimeout(NumbersConfig c, Duration timeout) {
        return new NumbersConfig(c.interval(), c.expiry(), c.failEvery(), c.offlineFor(), c.store(), c.maxSessions(), timeout);
    }

    @Test
    void aSecondHelloForAStreamedSessionIsRefusedAndTheStreamAndItsResumeGoOn() throws Exception {
        NumbersConfig config = FAST.withInterval(Duration.ofMillis(500));
        RunningService a = NumbersServers.start(zk, config);
        RunningService b = NumbersServers.start(zk, config);
        Checksum crc = new Checksum();
        try (LineClient first = new LineClient(a.port())) {
            assertThat(first.sendLine("HELLO 1 stateful X 15 0").readLine()).isEqualTo("OK stateful X 15 0");
            readNumbers(first, 0, 3, crc);
            assertThat(answer(b, "HELLO 1 stateful X 15 15")).startsWith("ERR mismatch ");
            assertThat(answer(b, "HELLO 1 stateful X 15 0")).startsWith("ERR busy ");
            assertThat(answer(a, "HELLO 1 stateful X 15 1")).startsWith("ERR busy ");
            assertThat(answer(a, "HELLO 1 stateful X 15 14")).startsWith("ERR mismatch ");
            readNumbers(first, 3, 6, crc);
        }
        List<String> rest = Timing.await("X resumed at 6 once its first connection is released", Duration.ofSeconds(10),
                () -> lines(b, "HELLO 1 stateful X 15 6"), lines -> !lines.get(0).startsWith("ERR busy "));
        assertThat(rest.get(0)).isEqualTo("OK stateful X 15 6");
        assertThat(rest).hasSize(1 + 9 + 1);
        for (int i = 6; i < 15; i++) {
            String[] w = rest.get(i - 5).split(" ");
            assertThat(w[1]).isEqualTo(Integer.toString(i));
            crc.add(w[2]);
        }
        assertThat(rest.get(10)).isEqualTo("END 15 " + crc.hex());
    }

    @Test
    void aResumeBeyondWhatWasSentIsAMismatchOnceDisconnectedToo() throws Exception {
        RunningService a = NumbersServers.start(zk, FAST.withInterval(Duration.ofMillis(200)));
        try (LineClient c = new LineClient(a.port())) {
            assertThat(c.sendLine("HELLO 1 stateful beyond 1000 0").readLine()).isEqualTo("OK stateful beyond 1000 0");
            readNumbers(c, 0, 2, new Checksum());
        }
        CuratorFramework client = zk.newClient();
        Timing.await("beyond marked disconnected", Duration.ofSeconds(10), () -> disconnected(client, "beyond"));
        assertThat(answer(a, "HELLO 1 stateful beyond 1000 900")).startsWith("ERR mismatch ");
        assertThat(answer(a, "HELLO 1 stateful beyond 1000 2")).isEqualTo("OK stateful beyond 1000 2");
    }

    @Test
    void aHelloTrickledByteByByteIsCutAtTheDeadline() throws Exception {
        RunningService server = NumbersServers.start(zk, helloTimeout(FAST, Duration.ofSeconds(1)));
        byte[] hello = ("HELLO 1 stateless " + "t".repeat(60) + " 5 0 3\n").getBytes(StandardCharsets.US_ASCII);
        try (LineClient c = new LineClient(server.port())) {
            int sent = 0;
            while (sent < hello.length && !c.answered()) {
                c.send(new String(hello, sent++, 1, StandardCharsets.US_ASCII));
                pace(Duration.ofMillis(100));
            }
            assertThat(sent).as("bytes of the HELLO sent before the server answered").isLessThan(hello.length);
            assertThat(c.readLine()).startsWith("ERR malformed no HELLO within 1000 ms");
            assertThat(c.readLine()).isNull();
        }
    }

    @Test
    void controlAndNonAsciiBytesAreRefusedAtOnceNotAtTheLineFeed() throws Exception {
        RunningService server = NumbersServers.start(zk, helloTimeout(FAST, Duration.ofSeconds(60)));
        for (String bad : new String[] {"HELLO\u0000", "\u0001", "HELLO 1 \u007f", "HELLO \u00e9", "\u00ff", "HELLO\r1", "HELLO\t1",
                "HELLO 1 stateful c1 5 0\r\r"}) {
            try (LineClient c = new LineClient(server.port(), Duration.ofSeconds(5))) {
                List<String> lines = c.send(bad).readAll();
                assertThat(lines).as(escape(bad)).hasSize(1);
                assertThat(lines.get(0)).as(escape(bad)).startsWith("ERR malformed ");
            }
        }
    }

    @Test
    void aWellBehavedStreamIsVerifiedThroughAHostileCatalogueAndNoDescriptorIsLeft() throws Exception {
        NumbersConfig config = helloTimeout(FAST.withInterval(Duration.ofMillis(20)), Duration.ofSeconds(1));
        RunningService a = NumbersServers.start(zk, config);
        RunningService b = NumbersServers.start(zk, config);
        long baseline = openDescriptors();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            ClientOptions good = options(Variant.STATEFUL, 400);
            Future<ClientResult> result = pool.submit(() -> receive(good, at(a)));
            String id = good.clientId();
            Timing.await("the good stream under way", Duration.ofSeconds(10), () -> answerOf(b, "HELLO 1 stateful " + id + " 400 0"),
                    line -> line.startsWith("ERR busy "));
            List<Future<?>> hostile = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                hostile.add(pool.submit(() -> trickle(a)));
                hostile.add(pool.submit(() -> trickle(b)));
            }
            Random random = new Random(12);
            for (int i = 0; i < 20; i++) {
                byte[] garbage = new byte[1 + random.nextInt(300)];
                random.nextBytes(garbage);
                assertRefused(i % 2 == 0 ? a : b, new String(garbage, StandardCharsets.ISO_8859_1), "ERR malformed ");
            }
            for (String bad : new String[] {"HELLO\u0000", "\u001b[2J", "GET / HTTP/1.1\r\n", "x".repeat(300), "HELLO  1 stateful c 5 0\n"}) {
                assertRefused(a, bad, "ERR malformed ");
                assertRefused(b, bad, "ERR malformed ");
            }
            for (RunningService server : List.of(a, b)) {
                assertThat(answer(server, "HELLO 1 stateful " + id + " 400 0")).startsWith("ERR busy ");
                assertThat(answer(server, "HELLO 1 stateful " + id + " 400 400")).startsWith("ERR mismatch ");
                assertThat(answer(server, "HELLO 1 stateful " + id + " 401 0")).startsWith("ERR mismatch ");
            }
            hostile.add(pool.submit(() -> flood(a, 300)));
            hostile.add(pool.submit(() -> flood(b, 300)));
            for (Future<?> f : hostile) {
                f.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
            }
            ClientResult r = result.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(ClientResult.Outcome.OK);
            assertThat(r.received()).isEqualTo(400);
            assertThat(r.local()).isEqualTo(r.server());
        } finally {
            pool.shutdownNow();
        }
        Timing.await("descriptors back at the baseline of " + baseline, Duration.ofSeconds(20),
                NumbersHostileClientsIT::openDescriptors, n -> n <= baseline);
    }

    /** Sends a HELLO one byte every 100 ms: the deadline, not the bytes, decides when it ends. */
    private static Void trickle(RunningService server) throws IOException {
        try (LineClient c = new LineClient(server.port())) {
            String hello = "HELLO 1 stateful trickle-" + System.nanoTime() + " 5 0\n";
            for (int i = 0; i < hello.length() && !c.answered(); i++) {
                c.send(hello.substring(i, i + 1));
                pace(Duration.ofMillis(100));
            }
            assertThat(c.readLine()).startsWith("ERR malformed no HELLO within ");
        }
        return null;
    }

    /** Opens connections that say nothing: half are closed at once, the others wait for the deadline. */
    private static Void flood(RunningService server, int connections) throws IOException {
        List<LineClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                LineClient c = new LineClient(server.port());
                if (i % 2 == 0) {
                    c.close();
                } else {
                    waiting.add(c);
                }
            }
            for (LineClient c : waiting) {
                assertThat(c.readAll()).singleElement().asString().startsWith("ERR ");
            }
        } finally {
            for (LineClient c : waiting) {
                c.close();
            }
        }
        return null;
    }

    private static void assertRefused(RunningService server, String bytes, String prefix) throws IOException {
        try (LineClient c = new LineClient(server.port())) {
            List<String> lines = c.send(bytes).readAll();
            assertThat(lines).as(escape(bytes)).hasSize(1);
            assertThat(lines.get(0)).as(escape(bytes)).startsWith(prefix);
        }
    }

    private static void readNumbers(LineClient c, int from, int to, Checksum crc) throws IOException {
        for (int i = from; i < to; i++) {
            String[] w = c.readLine().split(" ");
            assertThat(w[0] + " " + w[1]).isEqualTo("N " + i);
            crc.add(w[2]);
        }
    }

    /** The first line the server answers to the hello; the connection is closed after it. */
    private static String answer(RunningService server, String hello) throws IOException {
        try (LineClient c = new LineClient(server.port())) {
            return c.sendLine(hello).readLine();
        }
    }

    private static String answerOf(RunningService server, String hello) {
        try {
            return answer(server, hello);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(RunningService server, String hello) {
        try (LineClient c = new LineClient(server.port())) {
            return c.sendLine(hello).readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean disconnected(CuratorFramework client, String id) {
        try {
            return new ObjectMapper().readTree(client.getData().forPath(ZooKeeperSessionStore.path(id))).hasNonNull("disconnectedAt");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pace of a hostile client (load it generates), not a wait for a condition. */
    private static void pace(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        return io.tcpmesh.coordination.LogText.escape(s);
    }
}
