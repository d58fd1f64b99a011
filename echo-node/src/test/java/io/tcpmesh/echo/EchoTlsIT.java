package io.tcpmesh.echo;

import io.tcpmesh.coordination.Backoff;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.coordination.tls.TlsClientConfig;
import io.tcpmesh.echo.client.EchoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** echo-node with --tls-cert/--tls-key: the node port, the master port and echo-client --tls, with real certificates. */
class EchoTlsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    static Path certDir;
    static TestCertificates certs;

    private EchoNodes nodes;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    @AfterEach
    void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private RunningService startTlsNode() throws Exception {
        return nodes.start(EchoConfig.of(nodes.masterPort(), false, EchoConfig.DEFAULT_HIGH_WATER),
                o -> o.tls(certs.serverChain(), certs.serverKey()));
    }

    private static TlsClient client() {
        return TlsClient.of(TlsClientConfig.verifying(certs.ca()), "test", System.err);
    }

    /** Sends over TLS, sends close_notify, and returns everything read until the server's close_notify. */
    private static String echoOverTls(int port, String message) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout((int) Timing.seconds(10).toMillis());
        try (SSLSocket s = client().wrap(plain, "127.0.0.1", port)) {
            s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void nodePortAndMasterPortEchoOverTls() throws Exception {
        nodes = new EchoNodes(zk);
        RunningService node = startTlsNode();
        assertThat(echoOverTls(node.port(), "to the node port")).isEqualTo("to the node port");
        Timing.await("the master port serves", Duration.ofSeconds(15), () -> nodes.onlyServing().isPresent());
        assertThat(echoOverTls(nodes.masterPort(), "to the master port")).isEqualTo("to the master port");
        assertThat(EchoNodes.answers(node.port())).as("a plaintext client gets no echo").isFalse();
    }

    @Test
    void echoClientSpeaksTlsToTheLeader() throws Exception {
        nodes = new EchoNodes(zk);
        startTlsNode();
        Timing.await("the master port serves", Duration.ofSeconds(15), () -> nodes.onlyServing().isPresent());
        ServiceWatch watch = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("echo");
        Timing.await("the leader registered", Duration.ofSeconds(15), () -> MasterLocator.masterAddress(watch.instances()).isPresent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (EchoClient client = new EchoClient(() -> MasterLocator.masterAddress(watch.instances()),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)),
                Optional.of(client()), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))) {
            exit = client.run(new ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8)), Timing.seconds(10));
        }
        assertThat(exit).as("echo-client: %s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    }
}
