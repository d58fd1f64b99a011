package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackpressureIT {
    private static final long FLOOD = 64L << 20;
    private static final long BOUND = ProxyConnection.HIGH_WATER + (256 << 10);

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void bulkTransfersBothWaysNeverStall() throws Exception {
        long size = 256L << 20;
        try (TestBackend sink = new TestBackend(TestBackend.Mode.SINK);
             TestBackend flood = new TestBackend(TestBackend.Mode.FLOOD).floodBytes(size)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "up", "Ports": [0], "Targets": ["%s"]}, {"Name": "down", "Ports": [0], "Targets": ["%s"]}]}"""
                    .formatted(sink.target(), flood.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            CompletableFuture<String> upload = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ProxyFixture.connect(proxy.ports("up").get(0))) {
                    byte[] chunk = new byte[1 << 16];
                    for (long sent = 0; sent < size; sent += chunk.length) {
                        s.getOutputStream().write(chunk);
                    }
                    s.shutdownOutput();
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            long received = 0;
            try (Socket s = ProxyFixture.connect(proxy.ports("down").get(0))) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    received += n;
                }
            }
            assertThat(received).isEqualTo(size);
            assertThat(upload.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(size + "\n");
        }
    }

    @Test
    void fastSenderAndSlowReaderKeepTheProxysQueuesBounded() throws Exception {
        try (TestBackend flood = new TestBackend(TestBackend.Mode.FLOOD).floodBytes(FLOOD)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "flood", "Ports": [0], "Targets": ["%s"]}]}""".formatted(flood.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            try (Socket s = ProxyFixture.connect(proxy.ports("flood").get(0))) {
                Timing.await("the target to start flooding", Duration.ofSeconds(10), () -> flood.written() > (1 << 20));
                // the client reads nothing: the proxy must stop reading the target instead of queueing
                Timing.holdsFor("queued bytes below " + BOUND, Duration.ofMillis(1500), () -> proxy.queuedBytes() <= BOUND);
                assertThat(flood.written()).as("the target is held back").isLessThan(FLOOD);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[1 << 16];
                long total = 0;
                long maxQueued = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    maxQueued = Math.max(maxQueued, proxy.queuedBytes());
                }
                assertThat(total).isEqualTo(FLOOD);
                assertThat(maxQueued).isLessThanOrEqualTo(BOUND);
            }
        }
    }
}
