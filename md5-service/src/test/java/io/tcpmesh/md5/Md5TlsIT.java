package io.tcpmesh.md5;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.coordination.tls.TlsClientConfig;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.tcpmesh.md5.Md5Client.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** md5-service with --tls-cert/--tls-key, in this JVM, against a real ZooKeeper, real sockets and real certificates. */
class Md5TlsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    static Path certDir;
    static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    private ServiceOptions options() {
        return new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).zkSessionTimeout(Duration.ofSeconds(2))
                .bind("127.0.0.1").drainTimeout(Duration.ofSeconds(2)).tls(certs.serverChain(), certs.serverKey());
    }

    private RunningService start(ServiceOptions options) throws Exception {
        return ServiceLauncher.start(Md5ServiceCommand.SERVICE, options, new Md5Module(Md5Config.defaults()));
    }

    private static SSLSocket connect(int port, TlsClientConfig config) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout((int) Timing.seconds(20).toMillis());
        return TlsClient.of(config, "test", System.err).wrap(plain, "localhost", port);
    }

    private static String request(int port, TlsClientConfig config, byte[] data) throws IOException {
        try (SSLSocket s = connect(port, config)) {
            s.getOutputStream().write(data);
            s.shutdownOutput(); // close_notify: TLS 1.3 keeps the read side open
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void closeNotifyGetsTheDigestOfEverythingSent() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 17];
        new Random(5).nextBytes(big);
        try (RunningService service = start(options())) {
            TlsClientConfig verifying = TlsClientConfig.verifying(certs.ca());
            assertThat(request(service.port(), verifying, "Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
            assertThat(request(service.port(), verifying, new byte[0])).isEqualTo("d41d8cd98f00b204e9800998ecf8427e\n");
            assertThat(request(service.port(), verifying, big)).isEqualTo(md5(big) + "\n");
        }
    }

    @Test
    void socatAtEndOfInputGetsTheDigest() throws Exception {
        try (RunningService service = start(options())) {
            Process socat = new ProcessBuilder("socat", "-t", "5", "-", "OPENSSL:127.0.0.1:" + service.port() + ",verify=0")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (OutputStream in = socat.getOutputStream()) {
                in.write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
            }
            String out = new String(socat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(socat.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(out).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
        }
    }

    @Test
    void registersThatItSpeaksTls() throws Exception {
        try (RunningService tls = start(options());
             RunningService plain = start(new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1"));
             CuratorFramework client = zk.newClient();
             ServiceRegistry registry = new ServiceRegistry(client).start()) {
            ServiceWatch watch = registry.watch("md5");
            List<Instance> instances = Timing.await("both md5 nodes registered", Duration.ofSeconds(20), watch::instances, l -> l.size() == 2);
            for (Instance i : instances) {
                assertThat(i.details().attribute("tls")).isEqualTo(i.port() == tls.port() ? "true" : "false");
            }
        }
    }

    @Test
    void plaintextClientIsClosedAndOthersAreServed() throws Exception {
        try (RunningService service = start(options())) {
            try (Socket s = new Socket("127.0.0.1", service.port())) {
                s.setSoTimeout((int) Timing.seconds(10).toMillis());
                s.getOutputStream().write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try {
                    s.getInputStream().transferTo(got);
                } catch (IOException reset) {
                    // closed with a reset: closed too
                }
                assertThat(got.toString(StandardCharsets.ISO_8859_1)).doesNotContain("ba6f4fdb");
            }
            assertThat(request(service.port(), TlsClientConfig.trustingEverything(), "x".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(md5("x".getBytes(StandardCharsets.US_ASCII)) + "\n");
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
        try (RunningService service = start(options().tlsClientCa(certs.ca()))) {
            assertThatThrownBy(() -> request(service.port(), TlsClientConfig.verifying(certs.ca()), "x".getBytes()))
                    .isInstanceOf(IOException.class);
            TlsClientConfig member = TlsClientConfig.verifying(certs.ca()).withCertificate(certs.clientCertificate(), certs.clientKey());
            assertThat(request(service.port(), member, "x".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(md5("x".getBytes(StandardCharsets.US_ASCII)) + "\n");
        }
    }

    @Test
    void missingOrBadCertificateFileIsABadOption() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int missing;
        int notAKey;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            missing = ServiceLauncher.execute(new Md5ServiceCommand(), "--port", "0", "--zk", zk.connectString(),
                    "--tls-cert", certDir.resolve("nope.pem").toString(), "--tls-key", certs.serverKey().toString());
            notAKey = ServiceLauncher.execute(new Md5ServiceCommand(), "--port", "0", "--zk", zk.connectString(),
                    "--tls-cert", certs.serverChain().toString(), "--tls-key", certs.serverChain().toString());
        } finally {
            System.setErr(saved);
        }
        assertThat(missing).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(notAKey).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("nope.pem: no such file")
                .contains("server-chain.pem: no PKCS#8 PEM private key");
    }
}
