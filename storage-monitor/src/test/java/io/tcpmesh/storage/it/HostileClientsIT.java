package io.tcpmesh.storage.it;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.storage.agent.Agent;
import io.tcpmesh.storage.collector.CollectorConfig;
import io.tcpmesh.storage.collector.CollectorServer;
import io.tcpmesh.storage.protocol.FrameStreams;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A catalogue of hostile and careless clients played against a running collector while a well-behaved
 * agent runs beside it: each gets ERROR and is closed, the agent's run is stored whole, and the
 * collector's sockets are back to their baseline afterwards.
 */
class HostileClientsIT {
    private static final String HELLO = "{\"v\":1,\"type\":\"HELLO\",\"agent\":\"%s\",\"host\":\"evil\",\"pid\":666}";
    private static final String HEARTBEAT = "{\"v\":1,\"type\":\"HEARTBEAT\",%s\"at\":5,\"threads\":[],\"droppedSamples\":0}";

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private int port;

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] frameWithRaw(String before, int[] raw, String after) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            body.write(b);
        }
        body.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return frame(body.toByteArray());
    }

    private static byte[] hello(String agent) {
        return frame(String.format(HELLO, agent));
    }

    private static byte[] join(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout((int) Timing.seconds(20).toMillis());
        return s;
    }

    /** Sends the bytes, then reads until the collector's ERROR, which must be followed by the end of the connection. */
    private String sendAndExpectError(byte[] bytes) throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return errorThenEnd(s);
        }
    }

    private static String errorThenEnd(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (true) {
            Message m = FrameStreams.read(in);
            if (m instanceof Message.Error error) {
                try {
                    Message after = FrameStreams.read(in);
                    throw new AssertionError("after ERROR came " + after);
                } catch (EOFException | SocketException end) {
                    return error.message();
                }
            }
        }
    }

    private String trickle() throws Exception {
        try (Socket s = connect()) {
            byte[] bytes = hello("trickler");
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (byte b : bytes) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(Timing.millis(400).toMillis());
                    }
                } catch (IOException | InterruptedException closed) {
                    // the collector closed it, as it should
                }
            }, "trickler");
            writer.setDaemon(true);
            writer.start();
            return errorThenEnd(s);
        }
    }

    private String flood() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(frame(String.format(HELLO, "flooder").replace("\"pid\"", "\"run\":\"flood-run\",\"pid\"")));
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int seq = 1; seq <= 2500; seq++) {
                batch.writeBytes(frame(String.format(HEARTBEAT, "\"seq\":" + seq + ",")));
            }
            out.write(batch.toByteArray());
            // and then a broken frame, never reading what the collector answered
            out.write(frame("{\"v\":1,\"type\":\"HEARTBEAT\",\"seq\":"));
            out.flush();
            return errorThenEnd(s);
        }
    }

    private String silentAgent() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            FrameStreams.write(out, new Message.Hello("silent", "silent-run", "h", 7));
            FrameStreams.write(out, new Message.Start(1, 1, 1024, 4096, 1, 60_000, 100, 1000, "/x", 1e6));
            out.flush();
            return errorThenEnd(s);
        }
    }

    private String conflictingResend() throws Exception {
        Message.Start start = new Message.Start(1, 1, 1024, 4096, 1, 60_000, 1000, 1000, "/x", 1e6);
        Message.Start other = new Message.Start(1, 1, 1024, 4096, 1, 60_000, 1000, 1000, "/elsewhere", 1e6);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            FrameStreams.write(out, new Message.Hello("liar", "liar-run", "h", 8));
            FrameStreams.write(out, start);
            FrameStreams.write(out, start);
            FrameStreams.write(out, other);
            out.flush();
            return errorThenEnd(s);
        }
    }

    private Map<String, Callable> catalogue(String goodRun) {
        Map<String, Callable> c = new LinkedHashMap<>();
        c.put("no seq", () -> sendAndExpectError(join(hello("h1"), frame(String.format(HEARTBEAT, "")))));
        c.put("seq 0", () -> sendAndExpectError(join(hello("h2"), frame(String.format(HEARTBEAT, "\"seq\":0,")))));
        c.put("seq 1.5", () -> sendAndExpectError(join(hello("h3"), frame(String.format(HEARTBEAT, "\"seq\":1.5,")))));
        c.put("seq \"1\"", () -> sendAndExpectError(join(hello("h4"), frame(String.format(HEARTBEAT, "\"seq\":\"1\",")))));
        c.put("heartbeatMs 0", () -> sendAndExpectError(join(hello("h5"), frame("{\"v\":1,\"type\":\"START\",\"seq\":1,\"at\":1,"
                + "\"chunkSize\":1,\"fileSize\":1,\"writers\":1,\"runtimeMs\":1,\"heartbeatMs\":0,\"monitorMs\":1000,\"dir\":\"/\","
                + "\"calibratedBytesPerSecond\":1}"))));
        c.put("overlong UTF-8", () -> sendAndExpectError(frameWithRaw("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a", new int[] {0xC0, 0xAF},
                "b\",\"host\":\"h\",\"pid\":1}")));
        c.put("encoded surrogate", () -> sendAndExpectError(frameWithRaw("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a",
                new int[] {0xED, 0xA0, 0x80}, "\",\"host\":\"h\",\"pid\":1}")));
        c.put("above U+10FFFF", () -> sendAndExpectError(frameWithRaw("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a",
                new int[] {0xF4, 0x90, 0x80, 0x80}, "\",\"host\":\"h\",\"pid\":1}")));
        c.put("two values", () -> sendAndExpectError(frame(String.format(HELLO, "h6") + String.format(HELLO, "h7"))));
        c.put("run ..", () -> sendAndExpectError(frame(String.format(HELLO, "h8").replace("\"pid\"", "\"run\":\"..\",\"pid\""))));
        c.put("run a/b", () -> sendAndExpectError(frame(String.format(HELLO, "h9").replace("\"pid\"", "\"run\":\"a/b\",\"pid\""))));
        c.put("finished run", () -> sendAndExpectError(frame(String.format(HELLO, "h10").replace("\"pid\"", "\"run\":\"done-run\",\"pid\""))));
        c.put("newline in id", () -> sendAndExpectError(hello("x\\n2026-01-01 [main] [INFO] forged")));
        c.put("duplicate agent", () -> sendAndExpectError(frame(String.format(HELLO, "good").replace("\"pid\"", "\"run\":\"" + goodRun + "\",\"pid\""))));
        c.put("garbage", () -> sendAndExpectError(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}));
        c.put("conflicting resend", this::conflictingResend);
        c.put("trickle", this::trickle);
        c.put("flood", this::flood);
        c.put("silent agent", this::silentAgent);
        return c;
    }

    interface Callable {
        String call() throws Exception;
    }

    private static long socketDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void everyHostileClientGetsErrorAndTheWellBehavedAgentLosesNothing() throws Exception {
        try (Store store = Store.open(dir.resolve("storage.db"))) {
            store.openRun("done-run", 1, 1);
            store.closeRun("done-run", 2);
        }
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(new CollectorConfig(f.db, f.reports, 1, false)
                    .withHelloTimeout(Timing.seconds(3)));
            port = collector.service().port();
            CollectorServer server = collector.service().instance(CollectorServer.class);
            long baseline = socketDescriptors();

            // a heartbeat of 1 s: three missed take 3 s, well above what the flood costs a loaded machine
            Agent good = f.create(f.agent("good", "8s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofSeconds(1))));
            Future<Agent.Result> run = f.run(good);
            Timing.await("good agent connected", Duration.ofSeconds(10), () -> good.connected() && good.runId() != null);

            Map<String, Future<String>> answers = new LinkedHashMap<>();
            catalogue(good.runId()).forEach((name, call) -> answers.put(name, clients.submit(call::call)));
            Map<String, String> errors = new LinkedHashMap<>();
            for (Map.Entry<String, Future<String>> a : answers.entrySet()) {
                errors.put(a.getKey(), a.getValue().get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS));
            }
            assertThat(errors.get("no seq")).contains("missing seq");
            assertThat(errors.get("seq 0")).contains("seq must be an integer of at least 1");
            assertThat(errors.get("seq 1.5")).contains("seq must be an integer");
            assertThat(errors.get("seq \"1\"")).contains("seq must be an integer");
            assertThat(errors.get("heartbeatMs 0")).contains("heartbeatMs must be an integer from 10 to 3600000");
            assertThat(errors.get("overlong UTF-8")).contains("not valid UTF-8");
            assertThat(errors.get("encoded surrogate")).contains("not valid UTF-8");
            assertThat(errors.get("above U+10FFFF")).contains("not valid UTF-8");
            assertThat(errors.get("two values")).contains("malformed JSON");
            assertThat(errors.get("run ..")).contains("bad run name");
            assertThat(errors.get("run a/b")).contains("bad run name");
            assertThat(errors.get("finished run")).isEqualTo("run done-run is finished");
            assertThat(errors.get("newline in id")).contains("bad agent id").doesNotContain("\n");
            assertThat(errors.get("duplicate agent")).startsWith("agent id good is already connected from");
            assertThat(errors.get("garbage")).contains("bad frame");
            assertThat(errors.get("conflicting resend")).isEqualTo("seq 1 is already stored with a different body");
            assertThat(errors.get("trickle")).startsWith("no HELLO within");
            assertThat(errors.get("flood")).contains("malformed JSON");
            assertThat(errors.get("silent agent")).startsWith("gone: 3 heartbeats missed");

            Agent.Result r = run.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.delivered()).isTrue();
            assertThat(r.connections()).as("the good agent kept its one connection").isEqualTo(1);
            collector.awaitFinished(r.run());
            try (Store store = Store.open(f.db)) {
                List<Store.EventRow> mine = store.events(r.run()).stream().filter(e -> "good".equals(e.agentId()) && e.seq() != null).toList();
                List<Long> seqs = mine.stream().map(Store.EventRow::seq).sorted().toList();
                assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.get(seqs.size() - 1)).boxed().toList());
                assertThat(mine).extracting(Store.EventRow::type).contains("START", "STOP");
                assertThat(mine.stream().filter(e -> e.type().equals("ROLLOVER")).count()).isEqualTo(r.rollovers());
                assertThat(store.agents(r.run())).filteredOn(a -> a.agentId().equals("good")).singleElement().satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Store.Status.STOPPED);
                    assertThat(a.pid()).isEqualTo(ProcessHandle.current().pid());
                });
                assertThat(store.agents("done-run")).isEmpty();
                assertThat(store.run("done-run").orElseThrow().closedAt()).isEqualTo(2L);
                List<String> stored = new ArrayList<>(store.eventsOfType("ERROR").stream().map(Store.EventRow::body).toList());
                assertThat(stored).as("one ERROR event per client; the silent agent's is a GONE event").hasSize(errors.size() - 1);
                assertThat(stored).allMatch(e -> !e.contains("\n") && !e.contains("\u0000"));
            }
            Timing.await("collector sessions closed", Duration.ofSeconds(20), () -> server.acceptor().getManagedSessionCount() == 0);
            Timing.await("sockets back to the baseline of " + baseline, Duration.ofSeconds(20), () -> {
                try {
                    return socketDescriptors() <= baseline;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            clients.shutdownNow();
        }
    }
}
