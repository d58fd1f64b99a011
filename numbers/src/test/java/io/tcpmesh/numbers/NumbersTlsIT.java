package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.coordination.tls.TlsClientConfig;
import io.tcpmesh.numbers.client.ClientResult;
import io.tcpmesh.numbers.client.NumbersClient;
import io.tcpmesh.numbers.codec.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** numbers-server with --tls-cert/--tls-key and numbers-client with TLS, real certificates, a real ZooKeeper. */
class NumbersTlsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    static Path certDir;
    static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    private static ClientResult receive(RunningService server, Variant variant, Optional<TlsClient> tls) throws InterruptedException {
        return new NumbersClient(NumbersServers.options(variant, 300), NumbersServers.at(server), tls, line -> { },
                new PrintStream(OutputStream.nullOutputStream())).run();
    }

    @Test
    void verifiedStreamsOverTlsAcrossForcedDrops() throws Exception {
        RunningService server = NumbersServers.start(zk, NumbersServers.FAST.withFailures(97, java.time.Duration.ZERO),
                o -> o.tls(certs.serverChain(), certs.serverKey()));
        Optional<TlsClient> tls = Optional.of(TlsClient.of(TlsClientConfig.verifying(certs.ca()), "test", System.err));
        ClientResult stateful = receive(server, Variant.STATEFUL, tls);
        assertThat(stateful.ok()).as("%s", stateful).isTrue();
        assertThat(stateful.connections()).isGreaterThan(1);
        ClientResult stateless = receive(server, Variant.STATELESS, tls);
        assertThat(stateless.ok()).as("%s", stateless).isTrue();
    }
}
