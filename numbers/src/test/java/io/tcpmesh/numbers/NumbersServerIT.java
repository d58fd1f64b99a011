package io.tcpmesh.numbers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.numbers.client.ClientOptions;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.Checksum;
import io.tcpmesh.numbers.store.ZooKeeperSessionStore;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.tcpmesh.numbers.NumbersServers.FAST;
import static io.tcpmesh.numbers.NumbersServers.at;
import static io.tcpmesh.numbers.NumbersServers.options;
import static io.tcpmesh.numbers.NumbersServers.receive;
import static org.assertj.core.api.Assertions.assertThat;

class NumbersServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void statefulStreamIsCompleteThroughDropsAndOfflineSpells() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withFailures(7, Duration.ofMillis(30)));
        ClientResult result = receive(options(Variant.STATEFUL, 60), at(server));
        assertThat(result.outcome()).as(result.detail()).isEqualTo(ClientResult.Outcome.OK);
        assertThat(result.received()).isEqualTo(60);
        assertThat(result.local()).isEqualTo(result.server());
        assertThat(result.connections()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void statelessStreamIsCompleteThroughDropsAndOfflineSpells() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withFailures(7, Duration.ofMillis(30)));
        ClientResult result = receive(options(Variant.STATELESS, 100), at(server));
        assertThat(result.outcome()).as(result.detail()).isEqualTo(ClientResult.Outcome.OK);
        assertThat(result.received()).isEqualTo(100);
        assertThat(result.connections()).isGreaterThanOrEqualTo(15);
    }

    @Test
    void streamMovesBetweenServersThroughZooKeeper() throws Exception {
        RunningService a = NumbersServers.start(zk, FAST.withFailures(5, Duration.ZERO));
        RunningService b = NumbersServers.start(zk, FAST.withFailures(5, Duration.ZERO));
        ClientResult result = receive(options(Variant.STATEFUL, 40), alternate(a, b));
        assertThat(result.outcome()).as(result.detail()).isEqualTo(ClientResult.Outcome.OK);
        assertThat(result.connections()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void inMemorySessionsCannotMoveBetweenServers() throws Exception {
        NumbersConfig memory = FAST.withFailures(5, Duration.ZERO).withStore(StoreKind.MEMORY);
        RunningService a = NumbersServers.start(zk, memory);
        RunningService b = NumbersServers.start(zk, memory);
        ClientResult result = receive(options(Variant.STATEFUL, 40), alternate(a, b));
        assertThat(result.outcome()).isEqualTo(ClientResult.Outcome.REFUSED);
        assertThat(result.detail()).startsWith("ERR unknown ");
    }

    @Test
    void streamSurvivesItsServerStopping() throws Exception {
        RunningService a = NumbersServers.start(zk, FAST);
        RunningService b = NumbersServers.start(zk, FAST);
        AtomicInteger received = new AtomicInteger();
        ClientOptions options = options(Variant.STATEFUL, 300);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            InetSocketAddress first = new InetSocketAddress("127.0.0.1", a.port());
            InetSocketAddress second = new InetSocketAddress("127.0.0.1", b.port());
            Future<ClientResult> result = pool.submit(() -> new io.tcpmesh.numbers.client.NumbersClient(options,
                    () -> received.get() < 50 ? first : second, line -> received.incrementAndGet(),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run());
            Timing.await("50 messages from the first server", Duration.ofSeconds(10), () -> received.get() >= 50);
            a.close();
            ClientResult r = result.get(Timing.seconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(ClientResult.Outcome.OK);
            assertThat(r.connections()).isGreaterThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sessionsOfAServerThatDiedExpireToo() throws Exception {
        NumbersServers.start(zk, FAST.withExpiry(Duration.ofMillis(300)));
        CuratorFramework client = zk.newClient();
        client.create().creatingParentsIfNeeded().forPath(ZooKeeperSessionStore.path("orphan"),
                "{\"seed\":1,\"count\":10,\"next\":3,\"disconnectedAt\":null,\"owner\":\"numbers-crashed\"}".getBytes());
        Timing.await("orphan marked disconnected", Duration.ofSeconds(5), () -> record(client, "orphan"),
                r -> r == null || r.hasNonNull("disconnectedAt"));
        Timing.await("orphan swept", Duration.ofSeconds(5), () -> record(client, "orphan") == null);
    }

    @Test
    void aClaimIsReleasedWhenTheZooKeeperSessionOfItsServerEnds() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST);
        CuratorFramework dead = zk.newClient();
        long now = System.currentTimeMillis();
        dead.create().creatingParentsIfNeeded().forPath(ZooKeeperSessionStore.path("claimed"),
                ("{\"seed\":1,\"count\":10,\"next\":3,\"disconnectedAt\":null,\"owner\":\"numbers-dead\",\"connectedAt\":" + now
                        + ",\"intervalMs\":60000}").getBytes());
        dead.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(ZooKeeperSessionStore.claimPath("claimed"),
                "numbers-dead".getBytes());
        assertThat(firstLine(server, "HELLO 1 stateful claimed 10 3")).startsWith("ERR busy ");
        assertThat(firstLine(server, "HELLO 1 stateful claimed 10 9")).startsWith("ERR mismatch ");
        dead.close();
        String line = Timing.await("claimed resumable once its server's ZooKeeper session ended", Duration.ofSeconds(10),
                () -> firstLine(server, "HELLO 1 stateful claimed 10 4"), l -> !l.startsWith("ERR busy "));
        assertThat(line).isEqualTo("OK stateful claimed 10 4");
    }

    @Test
    void aServerThatLosesItsZooKeeperSessionStopsItsStatefulStreamsAndTheyResumeElsewhere() throws Exception {
        RunningService a = NumbersServers.start(zk, FAST.withInterval(Duration.ofMillis(50)));
        RunningService b = NumbersServers.start(zk, FAST.withInterval(Duration.ofMillis(50)));
        AtomicInteger received = new AtomicInteger();
        ClientOptions options = options(Variant.STATEFUL, 200);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            InetSocketAddress first = new InetSocketAddress("127.0.0.1", a.port());
            InetSocketAddress second = new InetSocketAddress("127.0.0.1", b.port());
            Future<ClientResult> result = pool.submit(() -> new io.tcpmesh.numbers.client.NumbersClient(options,
                    () -> received.get() < 20 ? first : second, line -> received.incrementAndGet(),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run());
            Timing.await("20 messages from the first server", Duration.ofSeconds(10), () -> received.get() >= 20);
            zk.killSession(a.instance(CuratorFramework.class));
            ClientResult r = result.get(Timing.seconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(ClientResult.Outcome.OK);
            assertThat(r.connections()).isGreaterThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void resumingAfterTheExpiryIsRefusedAsExpired() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withExpiry(Duration.ofSeconds(1)));
        CuratorFramework client = zk.newClient();
        readAndLeave(server, "e1", 3);
        JsonNode record = Timing.await("session e1 released and past its expiry", Duration.ofSeconds(5), () -> record(client, "e1"),
                r -> r != null && r.hasNonNull("disconnectedAt") && System.currentTimeMillis() - r.get("disconnectedAt").asLong() > 1_050);
        assertThat(record.get("next").asInt()).isGreaterThanOrEqualTo(3);
        try (LineClient again = new LineClient(server.port())) {
            List<String> lines = again.sendLine("HELLO 1 stateful e1 1000 3").readAll();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("ERR expired session e1 expired");
        }
        assertThat(record(client, "e1")).isNull();
    }

    @Test
    void expiredSessionsAreSweptFromZooKeeper() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withExpiry(Duration.ofMillis(300)));
        CuratorFramework client = zk.newClient();
        readAndLeave(server, "s1", 2);
        Timing.await("session s1 released", Duration.ofSeconds(5), () -> record(client, "s1"), r -> r != null && r.hasNonNull("disconnectedAt"));
        Timing.await("session s1 swept", Duration.ofSeconds(5), () -> record(client, "s1") == null);
    }

    @Test
    void finishedSessionIsDiscardedAtOnce() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withInterval(Duration.ofMillis(20)));
        CuratorFramework client = zk.newClient();
        try (LineClient c = new LineClient(server.port())) {
            assertThat(c.sendLine("HELLO 1 stateful f1 5 0").readLine()).isEqualTo("OK stateful f1 5 0");
            assertThat(c.readLine()).startsWith("N 0 ");
            assertThat(record(client, "f1")).isNotNull();
            List<String> rest = c.readAll();
            assertThat(rest).hasSize(5);
            assertThat(rest.get(4)).startsWith("END 5 ");
        }
        Timing.await("session f1 deleted after its END line", Duration.ofSeconds(2), () -> record(client, "f1") == null);
    }

    @Test
    void endLineCarriesTheCrcOfTheValues() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST);
        try (LineClient c = new LineClient(server.port())) {
            List<String> lines = c.sendLine("HELLO 1 stateful crc-1 50 0").readAll();
            assertThat(lines).hasSize(52);
            Checksum crc = new Checksum();
            for (int i = 0; i < 50; i++) {
                String[] w = lines.get(i + 1).split(" ");
                assertThat(w[1]).isEqualTo(Integer.toString(i));
                assertThat(Long.parseLong(w[2])).isBetween(0L, 0xFFFF_FFFFL);
                crc.add(w[2]);
            }
            assertThat(lines.get(51)).isEqualTo("END 50 " + crc.hex());
        }
    }

    @Test
    void statefulStreamsWaitForZooKeeperWhileStatelessOnesGoOn() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST);
        zk.stop();
        AtomicInteger attempt = new AtomicInteger();
        Timing.await("stateful hello refused while ZooKeeper is down", Duration.ofSeconds(10),
                () -> firstLine(server, "HELLO 1 stateful down-" + attempt.incrementAndGet() + " 3 0"),
                line -> line.startsWith("ERR unavailable "));
        assertThat(firstLine(server, "HELLO 1 stateless s 3 0 5")).isEqualTo("OK stateless s 3 0 5");
        zk.restart();
        Timing.await("stateful hello accepted once ZooKeeper is back", Duration.ofSeconds(20),
                () -> firstLine(server, "HELLO 1 stateful up-" + attempt.incrementAndGet() + " 3 0"), line -> line.startsWith("OK "));
    }

    private static String firstLine(RunningService server, String hello) {
        try (LineClient c = new LineClient(server.port())) {
            return c.sendLine(hello).readLine();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void halfClosedClientStillGetsItsStream() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST);
        try (LineClient c = new LineClient(server.port())) {
            c.sendLine("HELLO 1 stateless h1 10 0 3").shutdownOutput();
            List<String> lines = c.readAll();
            assertThat(lines).first().isEqualTo("OK stateless h1 10 0 3");
            assertThat(lines).contains("N 9 1536").last().isEqualTo("END 10 3069");
        }
    }

    @Test
    void malformedRequestsGetOneErrorLineAndOthersKeepStreaming() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST);
        try (LineClient stream = new LineClient(server.port())) {
            stream.sendLine("HELLO 1 stateless steady 60000 0 1");
            assertThat(stream.readLine()).isEqualTo("OK stateless steady 60000 0 1");
            for (String bad : new String[] {"GARBAGE\n", "HELLO 1 stateful not/an/id 5 0\n", "HELLO 1 stateful x 5 9\n",
                    "x".repeat(300), "HELLO\u0001 1\n"}) {
                try (LineClient c = new LineClient(server.port())) {
                    List<String> lines = c.send(bad).readAll();
                    assertThat(lines).as(bad).hasSize(1);
                    assertThat(lines.get(0)).as(bad).startsWith("ERR malformed ");
                }
            }
            try (LineClient c = new LineClient(server.port())) {
                assertThat(c.sendLine("HELLO 9 stateful x 5 0").readAll()).containsExactly("ERR unsupported this server speaks version 1");
            }
            int last = -1;
            for (int i = 0; i < 20; i++) {
                String[] w = stream.readLine().split(" ");
                int index = Integer.parseInt(w[1]);
                assertThat(last < 0 || index == last + 1).as("consecutive after " + last).isTrue();
                last = index;
            }
        }
    }

    @Test
    void twoHundredConcurrentClientsAllComplete() throws Exception {
        RunningService server = NumbersServers.start(zk, FAST.withFailures(10, Duration.ZERO));
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<ClientResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ClientOptions options = options(i % 2 == 0 ? Variant.STATEFUL : Variant.STATELESS, 25);
                results.add(pool.submit(() -> receive(options, at(server))));
            }
            results.get(0).get(Timing.seconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            // one ticker, one stateless ticker per core, four store workers, one sweeper: no thread per stream
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("numbers-")).count())
                    .isLessThanOrEqualTo(6 + Runtime.getRuntime().availableProcessors());
            for (Future<ClientResult> f : results) {
                ClientResult r = f.get(Timing.seconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                assertThat(r.outcome()).as(r.detail()).isEqualTo(ClientResult.Outcome.OK);
                assertThat(r.received()).isEqualTo(25);
            }
        } finally {
            pool.shutdownNow();
        }
        CuratorFramework client = zk.newClient();
        Timing.await("every finished session deleted", Duration.ofSeconds(5), () -> sessionCount(client) == 0);
    }

    /** Reads a few messages of a new long stateful stream, then closes the connection. */
    private static void readAndLeave(RunningService server, String id, int messages) throws Exception {
        try (LineClient c = new LineClient(server.port())) {
            assertThat(c.sendLine("HELLO 1 stateful " + id + " 1000 0").readLine()).isEqualTo("OK stateful " + id + " 1000 0");
            for (int i = 0; i < messages; i++) {
                assertThat(c.readLine()).startsWith("N " + i + " ");
            }
        }
    }

    private static int sessionCount(CuratorFramework client) {
        try {
            int n = 0;
            for (String bucket : new ZooKeeperSessionStore(client, () -> "test").buckets()) {
                n += client.getChildren().forPath("/numbers/sessions/" + bucket).size();
            }
            return n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode record(CuratorFramework client, String id) {
        try {
            if (client.checkExists().forPath(ZooKeeperSessionStore.path(id)) == null) {
                return null;
            }
            return JSON.readTree(client.getData().forPath(ZooKeeperSessionStore.path(id)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Supplier<InetSocketAddress> alternate(RunningService a, RunningService b) {
        AtomicInteger attempts = new AtomicInteger();
        return () -> new InetSocketAddress("127.0.0.1", attempts.getAndIncrement() % 2 == 0 ? a.port() : b.port());
    }
}
