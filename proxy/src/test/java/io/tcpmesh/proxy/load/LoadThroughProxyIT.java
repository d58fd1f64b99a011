package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.echo.EchoConfig;
import io.tcpmesh.echo.EchoModule;
import io.tcpmesh.echo.EchoNode;
import io.tcpmesh.proxy.testing.ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The load tester against a real echo-node through the real proxy: its counts match what the node saw. */
class LoadThroughProxyIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    @Test
    void summaryCountsMatchWhatTheEchoNodeSaw() throws Exception {
        ServiceOptions nodeOptions = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root())
                .zkSessionTimeout(Duration.ofSeconds(2)).bind("127.0.0.1");
        RunningService node = zk.track(ServiceLauncher.start("echo", nodeOptions,
                new EchoModule(EchoConfig.of(freePort(), false, 512 * 1024))));
        EchoNode echo = (EchoNode) node.instance(TcpService.class);

        int proxyPort = startProxy();
        Timing.await("the proxy reaches the echo node", Duration.ofSeconds(10), () -> ProxyFixture.echoes(proxyPort, "ping"));
        // the node counts a write once its I/O thread has finished it, which can be after the probe read its echo
        Timing.await("the probe's echo counted", Duration.ofSeconds(5), () -> echo.nodePortBytesWritten() == echo.nodePortBytesRead());
        long readBefore = echo.nodePortBytesRead();
        long writtenBefore = echo.nodePortBytesWritten();
        long connectionsBefore = echo.nodePortConnections();

        Path json = dir.resolve("report.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "-c", "8", "-d", "3s", "--size", "64",
                // a loaded CI machine may stall a reply for seconds: that is not what this test is about
                "--timeout", "30s", "--drain", "30s", "--json", json.toString(), "127.0.0.1:" + proxyPort);

        assertThat(code).as("exit code; stderr:%n%s", err).isZero();
        JsonNode summary = new ObjectMapper().readTree(json.toFile()).path("runs").get(0).path("summary");
        long requests = summary.path("requests").asLong();
        assertThat(requests).isGreaterThan(100);
        assertThat(summary.path("errors").asLong()).as("errors in %s", summary).isZero();
        assertThat(summary.path("bytesSent").asLong()).isEqualTo(requests * 64);
        assertThat(summary.path("bytesReceived").asLong()).isEqualTo(requests * 64);
        Timing.await("the node counted every byte", Duration.ofSeconds(5),
                () -> echo.nodePortBytesWritten() - writtenBefore == requests * 64);
        assertThat(echo.nodePortBytesRead() - readBefore).isEqualTo(requests * 64);
        assertThat(echo.nodePortConnections() - connectionsBefore).isEqualTo(8);
    }

    /**
     * The proxy's port is written into its configuration, so it is picked before the proxy binds it; a
     * port taken by someone else in between is a bind failure, and another one is picked.
     */
    private int startProxy() throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path config = ProxyFixture.write(dir, "{\"Apps\":[{\"Name\":\"echo\",\"Ports\":[" + port
                    + "],\"Targets\":[\"discovery:echo\"]}]}");
            try {
                ProxyFixture.start(zk, config);
                return port;
            } catch (BindException taken) {
                if (attempt == 5) {
                    throw taken;
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
