package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HalfCloseIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void ncHalfCloseThroughTheProxyGetsTheDigest() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["%s"]}]}""".formatted(md5.target())));
            int port = ProxyFixture.server(running).ports("md5").get(0);
            Process nc = new ProcessBuilder("bash", "-c", "echo -n 'Hello, MD5 server!' | nc -N 127.0.0.1 " + port)
                    .redirectErrorStream(true).start();
            assertThat(nc.waitFor(Timing.seconds(10).toMillis(), TimeUnit.MILLISECONDS)).as("nc finished").isTrue();
            String out = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
            assertThat(nc.exitValue()).isZero();
            Timing.await("the pair closed", Duration.ofSeconds(5), () -> ProxyFixture.server(running).activeConnections() == 0);
        }
    }

    @Test
    void aLargeBodyIsHashedWhole() throws Exception {
        byte[] body = new byte[3 << 20];
        new Random(7).nextBytes(body);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\n";
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["%s"]}]}""".formatted(md5.target())));
            try (Socket s = ProxyFixture.connect(ProxyFixture.server(running).ports("md5").get(0))) {
                s.getOutputStream().write(body);
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(expected);
            }
        }
    }

    @Test
    void targetHalfClosingFirstStillReceivesWhatTheClientSendsAfter() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
                try (Socket s = backend.accept()) {
                    s.getOutputStream().write("greeting\n".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput(); // the target is done talking, but keeps listening
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (Exception e) {
                    return "failed: " + e;
                }
            });
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "talker", "Ports": [0], "Targets": ["127.0.0.1:%d"]}]}""".formatted(backend.getLocalPort())));
            try (Socket s = ProxyFixture.connect(ProxyFixture.server(running).ports("talker").get(0))) {
                InputStream in = s.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("greeting\n");
                s.getOutputStream().write("reply after your FIN".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("reply after your FIN");
            }
        }
    }
}
