package io.tcpmesh.coordination.tls;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TlsFilter} on a real acceptor, against the JDK's SSLSocket, openssl and socat, with certificates made here. */
class TlsFilterIT {
    @TempDir
    static Path certDir;
    static TestCertificates certs;

    private MinaTcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Answers the MD5 of everything received once the input ends, like md5-service; echoes with "echo" mode. */
    static final class DigestOrEcho extends IoHandlerAdapter {
        private final boolean echo;

        DigestOrEcho(boolean echo) {
            this.echo = echo;
        }

        @Override
        public void sessionOpened(IoSession session) throws Exception {
            session.setAttribute("md5", MessageDigest.getInstance("MD5"));
        }

        @Override
        public void messageReceived(IoSession session, Object message) {
            IoBuffer in = (IoBuffer) message;
            if (echo) {
                IoBuffer copy = IoBuffer.allocate(in.remaining());
                copy.put(in).flip();
                session.write(copy);
            } else {
                ((MessageDigest) session.getAttribute("md5")).update(in.buf());
            }
        }

        @Override
        public void inputClosed(IoSession session) {
            session.suspendRead();
            byte[] digest = ((MessageDigest) session.getAttribute("md5")).digest();
            String line = HexFormat.of().formatHex(digest) + "\n";
            session.write(IoBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            session.closeOnFlush();
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            session.closeNow();
        }
    }

    private int start(boolean echo, TlsServerConfig config) throws IOException {
        server = new MinaTcpServer(new Node("test", "tls-test"), new InetSocketAddress("127.0.0.1", 0), new DigestOrEcho(echo), 2);
        server.useTls(Optional.of(config));
        return server.start().getPort();
    }

    private TlsServerConfig serverConfig() {
        return new TlsServerConfig(certs.serverChain(), certs.serverKey());
    }

    private static TlsClient verifyingClient() {
        return TlsClient.of(TlsClientConfig.verifying(certs.ca()), "test", System.err);
    }

    private static SSLSocket connect(TlsClient client, String host, int port) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout((int) Timing.seconds(20).toMillis());
        return client.wrap(plain, host, port);
    }

    static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\n";
    }

    @Test
    void halfClosedTls13ConnectionGetsDigest() throws Exception {
        int port = start(false, serverConfig());
        byte[] data = "Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII);
        try (SSLSocket s = connect(verifyingClient(), "localhost", port)) {
            s.getOutputStream().write(data);
            s.shutdownOutput(); // TLS 1.3: close_notify, the read side stays open
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        assertThat(server.tlsStats().orElseThrow().completed()).containsEntry("TLSv1.3", 1L);
    }

    @Test
    void socatSendsCloseNotifyAndReadsDigest() throws Exception {
        int port = start(false, serverConfig());
        Process socat = new ProcessBuilder("socat", "-t", "5", "-", "OPENSSL:127.0.0.1:" + port + ",verify=0")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = socat.getOutputStream()) {
            in.write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(socat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(socat.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(out).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
        assertThat(socat.exitValue()).as("socat exit (0 only when the server's close_notify arrived)").isZero();
    }

    @Test
    void opensslVerifiesChainAndName() throws Exception {
        int port = start(false, serverConfig());
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                "-verify_hostname", "localhost", "-CAfile", certs.ca().toString(), "-verify_return_error", "-brief")
                .redirectErrorStream(true).start();
        p.getOutputStream().close(); // without -quiet, s_client ends at the end of its input
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(out).contains("Verification: OK").contains("Protocol version: TLSv1.3");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void echoesManySmallWritesAndABigOneExactly() throws Exception {
        int port = start(true, serverConfig());
        byte[] big = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        try (SSLSocket s = connect(verifyingClient(), "localhost", port)) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 2000; i++) {
                        out.write(big, i * 7, 7); // many small records: far more than MINA's 64 queued writes
                    }
                    out.write(big, 14000, big.length - 14000);
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            byte[] back = s.getInputStream().readNBytes(big.length);
            writer.join();
            assertThat(back).isEqualTo(big);
        }
    }

    /** Bytes that arrive while MINA's handler runs the handshake's last task must not wait for more bytes. */
    @Test
    void firstBytesAfterTheHandshakeAreAnsweredWithoutMore() throws Exception {
        int port = start(true, serverConfig());
        TlsClient client = verifyingClient();
        for (int i = 0; i < 30; i++) {
            try (SSLSocket s = connect(client, "localhost", port)) {
                s.setSoTimeout((int) Timing.seconds(5).toMillis());
                s.getOutputStream().write(("ping" + i).getBytes(StandardCharsets.US_ASCII));
                byte[] back = s.getInputStream().readNBytes(("ping" + i).length());
                assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping" + i);
            }
        }
    }

    /** Says "bye", half-closes its write side with close_notify, then counts what still comes until the client's close_notify. */
    static final class ByeThenCount extends IoHandlerAdapter {
        final java.util.concurrent.atomic.AtomicLong afterBye = new java.util.concurrent.atomic.AtomicLong(-1);
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void sessionOpened(IoSession session) {
            session.write(IoBuffer.wrap("bye\n".getBytes(StandardCharsets.US_ASCII))).addListener(f -> {
                TlsFilter.shutdownOutput(session);
                afterBye.set(0);
            });
        }

        @Override
        public void messageReceived(IoSession session, Object message) {
            afterBye.addAndGet(((IoBuffer) message).remaining());
        }

        @Override
        public void inputClosed(IoSession session) {
            ended.countDown();
            session.closeNow();
        }
    }

    @Test
    void serverHalfCloseSendsCloseNotifyAndKeepsReading() throws Exception {
        ByeThenCount handler = new ByeThenCount();
        server = new MinaTcpServer(new Node("test", "tls-test"), new InetSocketAddress("127.0.0.1", 0), handler, 2);
        server.useTls(Optional.of(serverConfig()));
        int port = server.start().getPort();
        try (SSLSocket s = connect(verifyingClient(), "localhost", port)) {
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("bye\n");
            Timing.await("the server counts again", Duration.ofSeconds(10), () -> handler.afterBye.get() == 0);
            s.getOutputStream().write(new byte[100_000]); // after the server's close_notify: TLS 1.3 allows it
            s.shutdownOutput();
            assertThat(handler.ended.await(Timing.seconds(10).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
        assertThat(handler.afterBye.get()).isEqualTo(100_000);
    }

    /** Writes a greeting as soon as the session opens (before the handshake is done) and closes on flush. */
    static final class GreetAndClose extends IoHandlerAdapter {
        @Override
        public void sessionOpened(IoSession session) {
            session.write(IoBuffer.wrap("bye\n".getBytes(StandardCharsets.US_ASCII)));
            session.closeOnFlush();
        }
    }

    /** OpenSSL reports "unexpected eof" when a TCP FIN comes without close_notify. */
    @Test
    void closingSendsCloseNotifyAfterTheLastBytes() throws Exception {
        server = new MinaTcpServer(new Node("test", "tls-test"), new InetSocketAddress("127.0.0.1", 0), new GreetAndClose(), 2);
        server.useTls(Optional.of(serverConfig()));
        int port = server.start().getPort();
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet", "-ign_eof")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(out).contains("bye\n").doesNotContain("unexpected eof");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void wrongNameIsRefusedByTheClient() throws Exception {
        int port = start(false, serverConfig());
        assertThatThrownBy(() -> connect(verifyingClient(), "not-localhost.example", port))
                .hasMessageContaining("TLS handshake")
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
        Timing.await("the server counts the failure", Duration.ofSeconds(10),
                () -> server.tlsStats().orElseThrow().failed().values().stream().mapToLong(Long::longValue).sum() == 1);
    }

    @Test
    void plaintextClientIsClosedAndCounted() throws Exception {
        int port = start(false, serverConfig());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) Timing.seconds(10).toMillis());
            s.getOutputStream().write("Hello, MD5 server!\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (IOException reset) {
                // a reset is a close too
            }
            assertThat(got.toString(StandardCharsets.ISO_8859_1)).doesNotContain("ba6f4f");
        }
        Timing.await("not_tls counted", Duration.ofSeconds(10),
                () -> server.tlsStats().orElseThrow().failures(TlsFailure.NOT_TLS) == 1);
        assertServes(server.tlsStats().orElseThrow());
    }

    @Test
    void silentAndHalfHelloClientsAreClosedAtTheDeadlineWhileOthersAreServed() throws Exception {
        Duration deadline = Duration.ofSeconds(2);
        int port = start(false, serverConfig().withHandshakeTimeout(deadline));
        byte[] halfHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try (Socket silent = new Socket("127.0.0.1", port); Socket half = new Socket("127.0.0.1", port)) {
            half.getOutputStream().write(halfHello);
            long begun = System.nanoTime();
            silent.setSoTimeout((int) Timing.seconds(30).toMillis());
            half.setSoTimeout((int) Timing.seconds(30).toMillis());
            assertServes(server.tlsStats().orElseThrow()); // the two waiting cost nobody else
            assertThat(readUntilClosed(silent)).isEqualTo(-1);
            assertThat(readUntilClosed(half)).isEqualTo(-1);
            Duration took = Duration.ofNanos(System.nanoTime() - begun);
            assertThat(took).isLessThan(deadline.plus(Timing.seconds(10)));
        }
        Timing.await("two timeouts counted", Duration.ofSeconds(10),
                () -> server.tlsStats().orElseThrow().failures(TlsFailure.TIMEOUT) == 2);
    }

    private static int readUntilClosed(Socket s) throws IOException {
        try {
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // the server may send an alert first
            }
            return -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException reset) {
            return -1;
        }
    }

    private void assertServes(TlsStats stats) throws Exception {
        int port = server.acceptor().getLocalAddress().getPort();
        try (SSLSocket s = connect(verifyingClient(), "127.0.0.1", port)) {
            s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(md5("x".getBytes()));
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutATrustedCertificate() throws Exception {
        int port = start(false, serverConfig().withClientCa(certs.ca()));
        TlsClient anonymous = verifyingClient();
        TlsClient stranger = TlsClient.of(TlsClientConfig.verifying(certs.ca())
                .withCertificate(certs.strangerCertificate(), certs.strangerKey()), "test", System.err);
        TlsClient member = TlsClient.of(TlsClientConfig.verifying(certs.ca())
                .withCertificate(certs.clientCertificate(), certs.clientKey()), "test", System.err);
        assertRefused(anonymous, port);
        assertRefused(stranger, port);
        for (int i = 0; i < 20; i++) { // the client's certificate, request and close_notify race MINA's tasks
            try (SSLSocket s = connect(member, "localhost", port)) {
                s.getOutputStream().write(("x" + i).getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(md5(("x" + i).getBytes()));
            }
        }
        Timing.await("two certificate failures counted", Duration.ofSeconds(10),
                () -> server.tlsStats().orElseThrow(), s -> s.failures(TlsFailure.CERTIFICATE) == 2);
    }

    /** TLS 1.3 client authentication fails after the client's handshake is done: on its first read. */
    private static void assertRefused(TlsClient client, int port) {
        assertThatThrownBy(() -> {
            try (SSLSocket s = connect(client, "localhost", port)) {
                s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
            }
        }).isInstanceOf(IOException.class); // an alert, or a reset when the server closed first
    }

    @Test
    void tls12IsAcceptedAndOlderIsNot() throws Exception {
        int port = start(false, serverConfig());
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_1", "-brief")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        Process tls12 = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2", "-brief")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        tls12.getOutputStream().close();
        tls12.getInputStream().readAllBytes();
        assertThat(tls12.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        Timing.await("a TLS 1.2 handshake counted", Duration.ofSeconds(10),
                () -> server.tlsStats().orElseThrow().completed().getOrDefault("TLSv1.2", 0L) == 1);
    }
}
