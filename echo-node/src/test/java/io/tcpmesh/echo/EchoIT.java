package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.mina.core.session.IoSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tcpmesh.echo.EchoNodes.echo;
import static io.tcpmesh.echo.EchoNodes.readExactly;
import static org.assertj.core.api.Assertions.assertThat;

class EchoIT {
    private static final int HIGH_WATER = 64 * 1024;

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private EchoNodes nodes;
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws IOException {
        nodes = new EchoNodes(zk);
    }

    @AfterEach
    void tearDown() {
        writers.shutdownNow();
        nodes.close();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    @Test
    void echoesMegabyteMessagesByteExactOnConcurrentConnections() throws Exception {
        RunningService node = nodes.start();
        List<Future<byte[]>> echoed = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] message = new byte[1 << 20];
            new Random(i).nextBytes(message);
            sent.add(message);
            echoed.add(writers.submit(() -> echoWhileWriting(node.port(), message)));
        }
        for (int i = 0; i < sent.size(); i++) {
            assertThat(echoed.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(sent.get(i));
        }
    }

    /** Writes on one thread and reads on this one, as any client larger than the socket buffers must. */
    private byte[] echoWhileWriting(int port, byte[] message) throws Exception {
        try (Socket s = connect(port)) {
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(message);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, writers);
            byte[] back = readExactly(s.getInputStream(), message.length);
            written.get(10, TimeUnit.SECONDS);
            return back;
        }
    }

    @Test
    void echoesOnFiveHundredConcurrentConnections() throws Exception {
        RunningService node = nodes.start();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                sockets.add(connect(node.port()));
            }
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).getOutputStream().write(message(i));
            }
            Timing.await("500 sessions open on the node", Duration.ofSeconds(5),
                    () -> echo(node).nodePort().acceptor().getManagedSessionCount() == 500);
            for (int i = 0; i < sockets.size(); i++) {
                byte[] expected = message(i);
                assertThat(readExactly(sockets.get(i).getInputStream(), expected.length)).isEqualTo(expected);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static byte[] message(int i) {
        byte[] b = new byte[1024];
        new Random(i).nextBytes(b);
        return b;
    }

    @Test
    void slowReaderIsSuspendedAndPendingWritesStayBounded() throws Exception {
        RunningService node = nodes.start(EchoConfig.of(nodes.masterPort(), false, HIGH_WATER));
        // more than loopback can buffer while nobody reads: Linux autotunes a receive buffer up to
        // tcp_rmem's maximum (32 MiB here) and a send buffer up to tcp_wmem's (4 MiB)
        int total = 64 << 20;
        try (Socket s = connect(node.port())) {
            Future<?> writing = writers.submit(() -> {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    for (int j = 0; j < chunk.length; j++) {
                        chunk[j] = pattern(sent + j);
                    }
                    out.write(chunk);
                }
                return null;
            });
            IoSession session = Timing.await("the node's session", Duration.ofSeconds(5),
                    () -> echo(node).nodePort().acceptor().getManagedSessions().values().stream().findFirst().orElse(null),
                    x -> x != null);
            Timing.await("reading from the slow client suspended", Duration.ofSeconds(10), session::isReadSuspended);
            // at most one read buffer (MINA reads 64K at most) past the mark
            long bound = HIGH_WATER + 64 * 1024;
            Timing.holdsFor("pending writes bounded while the client does not read", Duration.ofMillis(500),
                    () -> session.getScheduledWriteBytes() <= bound);
            assertThat(writing.isDone()).as("the writer is held up by backpressure").isFalse();

            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int read = 0;
            while (read < total) {
                int n = in.read(buffer, 0, Math.min(buffer.length, total - read));
                assertThat(n).as("bytes after " + read).isPositive();
                for (int j = 0; j < n; j++) {
                    if (buffer[j] != pattern(read + j)) {
                        throw new AssertionError("byte " + (read + j) + " differs");
                    }
                }
                read += n;
            }
            writing.get(10, TimeUnit.SECONDS);
            assertThat(session.isReadSuspended()).isFalse();
        }
    }

    private static byte pattern(int i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    @Test
    void halfClosingClientGetsItsEcho() throws Exception {
        RunningService node = nodes.start();
        byte[] back = EchoNodes.echoOnce(node.port(), "Hello, echo!".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("Hello, echo!");
    }

    @Test
    void broadcastRelaysMasterPortMessagesToEveryOtherClient() throws Exception {
        RunningService node = nodes.start(EchoConfig.of(nodes.masterPort(), true, EchoConfig.DEFAULT_HIGH_WATER));
        Timing.await("master port served", Duration.ofSeconds(10), () -> echo(node).servesMasterPort());
        try (Socket a = connect(nodes.masterPort()); Socket b = connect(nodes.masterPort()); Socket c = connect(nodes.masterPort());
             Socket other = connect(node.port())) {
            Timing.await("three master-port sessions", Duration.ofSeconds(5), () -> echo(node).masterSessions() == 3);
            a.getOutputStream().write("hi all\n".getBytes(StandardCharsets.UTF_8));
            for (Socket s : List.of(a, b, c)) {
                assertThat(new String(readExactly(s.getInputStream(), 7), StandardCharsets.UTF_8)).isEqualTo("hi all\n");
            }
            // the node port only echoes
            other.getOutputStream().write("solo\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(readExactly(other.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("solo\n");
            b.getOutputStream().write("back\n".getBytes(StandardCharsets.UTF_8));
            for (Socket s : List.of(a, b, c)) {
                assertThat(new String(readExactly(s.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("back\n");
            }
        }
    }

    @Test
    void withoutBroadcastMasterPortOnlyEchoes() throws Exception {
        RunningService node = nodes.start();
        Timing.await("master port served", Duration.ofSeconds(10), () -> echo(node).servesMasterPort());
        try (Socket a = connect(nodes.masterPort()); Socket b = connect(nodes.masterPort())) {
            Timing.await("two master-port sessions", Duration.ofSeconds(5), () -> echo(node).masterSessions() == 2);
            a.getOutputStream().write("mine\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(readExactly(a.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("mine\n");
            b.getOutputStream().write("also\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(readExactly(b.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("also\n");
        }
    }
}
