package io.tcpmesh.proxy.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.coordination.tls.TlsClientConfig;
import io.tcpmesh.proxy.ProxyServer;
import io.tcpmesh.proxy.testing.Md5Process;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy terminating and originating TLS, with real sockets, real certificates and real socat/openssl processes. */
class ProxyTlsIT {
    private static final String DIGEST = "ba6f4fdbbfad6e8613f4f9459db93c7e\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path certDir;
    static TestCertificates certs;

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    private String tls(String more) {
        return """
                "Tls": {"Certificate": "%s", "Key": "%s"%s}""".formatted(certs.serverChain(), certs.serverKey(), more);
    }

    /** A proxy with one app, {@code name}, terminating TLS ({@code moreTls}: more keys of its "Tls") in front of {@code target}. */
    private RunningService tlsApp(String name, String target, String moreTls) throws Exception {
        return proxy("""
                {"Name": "%s", "Ports": [0], "Targets": ["%s"], %s}""".formatted(name, target, tls(moreTls)));
    }

    private static int port(RunningService running, String app) {
        return ProxyFixture.server(running).ports(app).get(0);
    }

    private RunningService proxy(String apps) throws Exception {
        return ProxyFixture.start(zk, ProxyFixture.write(dir, "{\"Apps\": [" + apps + "]}"));
    }

    @Test
    void aMissingOrUnparsableCertificateOrKeyAtStartExitsWith2NamingTheFile() throws Exception {
        Path missingKey = dir.resolve("missing.key");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), Files.readString(certs.serverChain()));
        record Case(Path certificate, Path key, Path named, String says) {
        }
        for (Case c : List.of(new Case(certs.serverChain(), missingKey, missingKey, "no such file"),
                new Case(garbage, certs.serverKey(), garbage, "no PEM certificate"),
                new Case(certs.serverChain(), notAKey, notAKey, "no PKCS#8 PEM private key"))) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo-tls", "Ports": [0], "Targets": ["127.0.0.1:1"],
                      "Tls": {"Certificate": "%s", "Key": "%s"}}]}""".formatted(c.certificate(), c.key()));
            ProxyFixture.Exit exit = ProxyFixture.run("--config", file.toString(), "--zk", zk.connectString(),
                    "--zk-root", zk.root(), "--admin-port", "0");
            assertThat(exit.code()).as("exit code for %s", c).isEqualTo(2);
            assertThat(exit.stderr()).as("stderr for %s", c).contains(c.named() + ": " + c.says());
        }
    }

    private static TlsClient verifying() {
        return TlsClient.of(TlsClientConfig.verifying(certs.ca()), "test", System.err);
    }

    private static SSLSocket connect(TlsClient client, int port) throws IOException {
        Socket plain = ProxyFixture.connect(port);
        return client.wrap(plain, "localhost", port);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            in.transferTo(out);
        } catch (IOException closedOrReset) {
            // a reset ends the stream too
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static JsonNode stats(RunningService running) {
        try {
            String r = Http.get(running.adminAddress(), "/stats.json");
            return r.startsWith("200 ") ? JSON.readTree(r.substring(4)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static TlsAppStats tlsStats(RunningService running, String app, String side) {
        return ProxyFixture.server(running).status(ProxyFixture.reloader(running).stats()).tls().stream()
                .filter(t -> t.app().equals(app) && t.side().equals(side)).findFirst().orElse(null);
    }

    @Test
    void tlsEchoThroughTheProxyIsCountedOnStatsAndMetrics() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = tlsApp("echo", echo.target(), "");
            int port = port(running, "echo");
            try (SSLSocket s = connect(verifying(), port)) {
                s.getOutputStream().write("hello over TLS\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("hello over TLS\n");
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            JsonNode tls = Timing.await("the handshake on /stats.json", Duration.ofSeconds(10), () -> stats(running),
                    s -> s != null && s.path("tls").path(0).path("completed").path("TLSv1.3").asLong() == 1);
            assertThat(tls.path("tls").path(0).path("app").asText()).isEqualTo("echo");
            assertThat(tls.path("tls").path(0).path("side").asText()).isEqualTo("clients");
            String metrics = Http.get(running.adminAddress(), "/metrics");
            assertThat(metrics).contains("tcpmesh_proxy_tls_handshakes_total{app=\"echo\",side=\"clients\",version=\"TLSv1.3\"} 1.0")
                    .contains("tcpmesh_proxy_tls_handshake_failures_total{app=\"echo\",reason=\"timeout\",side=\"clients\"} 0.0");
            assertThat(Http.get(running.adminAddress(), "/stats")).contains("TLS handshakes");
        }
    }

    @Test
    void socatHalfCloseOverTlsGetsTheDigestFromAPlaintextTarget() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            RunningService running = tlsApp("md5", md5.target(), "");
            int port = port(running, "md5");
            assertThat(socat(port)).isEqualTo(DIGEST);
            Timing.await("the pair closed", Duration.ofSeconds(10), () -> ProxyFixture.server(running).activeConnections() == 0);
        }
    }

    @Test
    void jdkTls13HalfCloseGetsTheDigestAndTheProxysCloseNotify() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            RunningService running = tlsApp("md5", md5.target(), "");
            int port = port(running, "md5");
            for (int i = 0; i < 5; i++) {
                try (SSLSocket s = connect(verifying(), port)) {
                    s.getOutputStream().write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput(); // close_notify; TLS 1.3 keeps the read side
                    // readAllBytes ends at the proxy's close_notify; a FIN without it would throw
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(DIGEST);
                }
            }
        }
    }

    /** OpenSSL reports "unexpected eof" when a TCP FIN comes without close_notify. */
    @Test
    void aTargetsFinReachesTheTlsClientAsCloseNotifyAndTheClientMayStillSend() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
                try (Socket s = backend.accept()) {
                    s.getOutputStream().write("greeting\n".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput(); // done talking, still listening
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    return "failed: " + e;
                }
            });
            RunningService running = tlsApp("talker", "127.0.0.1:" + backend.getLocalPort(), "");
            int port = port(running, "talker");
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet", "-ign_eof")
                    .redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("sent after the target's FIN\n".getBytes(StandardCharsets.US_ASCII));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(p.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(out).contains("greeting\n").doesNotContain("unexpected eof");
            assertThat(p.exitValue()).isZero();
            assertThat(heard.get(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("sent after the target's FIN\n");
        }
    }

    @Test
    void opensslVerifiesTheProxysCertificateAndEchoes() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = tlsApp("echo", echo.target(), "");
            int port = port(running, "echo");
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                    "-verify_hostname", "localhost", "-CAfile", certs.ca().toString(), "-verify_return_error", "-quiet")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                p.getOutputStream().write("line one\n".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().flush();
                assertThat(new String(p.getInputStream().readNBytes(9), StandardCharsets.US_ASCII)).isEqualTo("line one\n");
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutATrustedCertificate() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = tlsApp("echo", echo.target(), ", \"ClientCa\": \"" + certs.ca() + "\"");
            int port = port(running, "echo");
            assertThatThrownBy(() -> {
                try (SSLSocket s = connect(verifying(), port)) {
                    s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(); // TLS 1.3: the server's refusal arrives after the client's Finished
                }
            }).isInstanceOf(IOException.class);
            TlsClient stranger = TlsClient.of(TlsClientConfig.verifying(certs.ca())
                    .withCertificate(certs.strangerCertificate(), certs.strangerKey()), "test", System.err);
            assertThatThrownBy(() -> {
                try (SSLSocket s = connect(stranger, port)) {
                    s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read();
                }
            }).isInstanceOf(IOException.class);
            TlsClient agent = TlsClient.of(TlsClientConfig.verifying(certs.ca())
                    .withCertificate(certs.clientCertificate(), certs.clientKey()), "test", System.err);
            try (SSLSocket s = connect(agent, port)) {
                s.getOutputStream().write("mutual\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("mutual\n");
            }
            Timing.await("two certificate failures counted", Duration.ofSeconds(10),
                    () -> tlsStats(running, "echo", TlsAppStats.CLIENTS).failed().get("certificate") == 2);
            assertThat(echo.accepted()).as("refused clients cost no target connection").isEqualTo(1);
        }
    }

    @Test
    void plaintextClientOnATlsPortIsClosedWithoutReachingTheTarget() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            RunningService running = tlsApp("md5", md5.target(), "");
            int port = port(running, "md5");
            try (Socket s = ProxyFixture.connect(port)) {
                s.getOutputStream().write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(readAll(s.getInputStream())).doesNotContain("ba6f");
            }
            Timing.await("not_tls counted", Duration.ofSeconds(10),
                    () -> tlsStats(running, "md5", TlsAppStats.CLIENTS).failed().get("not_tls") == 1);
            assertThat(md5.accepted()).isZero();
            try (SSLSocket s = connect(verifying(), port)) {
                s.getOutputStream().write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(DIGEST);
            }
        }
    }

    @Test
    void silentAndHalfHelloClientsAreClosedAtTheDeadlineWhileAnotherIsServed() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = tlsApp("echo", echo.target(), ", \"HandshakeTimeout\": \"1s\"");
            int port = port(running, "echo");
            long begun = System.nanoTime();
            try (Socket silent = ProxyFixture.connect(port); Socket half = ProxyFixture.connect(port)) {
                // the first bytes of a TLS record header and a ClientHello that never completes
                half.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
                try (SSLSocket good = connect(verifying(), port)) {
                    good.getOutputStream().write("served\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(good.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("served\n");
                }
                silent.setSoTimeout((int) Timing.seconds(10).toMillis());
                half.setSoTimeout((int) Timing.seconds(10).toMillis());
                assertThat(readAll(silent.getInputStream())).isEmpty();
                readAll(half.getInputStream());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(Timing.seconds(10));
            Timing.await("two timeouts counted", Duration.ofSeconds(10),
                    () -> tlsStats(running, "echo", TlsAppStats.CLIENTS).failed().get("timeout") == 2);
            assertThat(echo.accepted()).as("clients that never finish their handshake cost no target").isEqualTo(1);
            Timing.await("their connections released", Duration.ofSeconds(10),
                    () -> ProxyFixture.server(running).activeConnections() == 0);
        }
    }

    @Test
    void targetTlsReachesATlsMd5ServiceEncryptedEndToEndAndReEncrypted() throws Exception {
        try (Md5Process md5 = Md5Process.start(zk, List.of("--tls-cert", certs.serverChain().toString(),
                "--tls-key", certs.serverKey().toString()))) {
            String targetTls = """
                    "TargetTls": {"Ca": "%s", "ServerName": "localhost"}""".formatted(certs.ca());
            RunningService running = proxy("""
                    {"Name": "reencrypt", "Ports": [0], "Targets": ["127.0.0.1:%d"], %s, %s},
                    {"Name": "originate", "Ports": [0], "Targets": ["127.0.0.1:%d"], %s}""".formatted(
                    md5.port(), tls(""), targetTls, md5.port(), targetTls));
            ProxyServer server = ProxyFixture.server(running);
            // TLS client -> proxy -> TLS md5: close_notify turned into close_notify both ways
            assertThat(socat(server.ports("reencrypt").get(0))).isEqualTo(DIGEST);
            // plaintext client -> proxy -> TLS md5: the client's FIN becomes close_notify, the node's close_notify a FIN
            assertThat(ProxyFixture.request(server.ports("originate").get(0), "Hello, MD5 server!")).isEqualTo(DIGEST);
            Timing.await("both target handshakes counted", Duration.ofSeconds(10), () ->
                    tlsStats(running, "reencrypt", TlsAppStats.TARGETS).completedTotal() == 1
                            && tlsStats(running, "originate", TlsAppStats.TARGETS).completedTotal() == 1);
        }
    }

    @Test
    void aTargetWhoseCertificateIsNotTrustedIsRefused() throws Exception {
        try (Md5Process md5 = Md5Process.start(zk, List.of("--tls-cert", certs.serverChain().toString(),
                "--tls-key", certs.serverKey().toString()))) {
            RunningService running = proxy("""
                    {"Name": "md5", "Ports": [0], "Targets": ["127.0.0.1:%d"], "TargetTls": {"Ca": "%s"}}""".formatted(
                    md5.port(), certs.otherCa()));
            assertThat(ProxyFixture.request(port(running, "md5"), "Hello, MD5 server!")).isEmpty();
            Timing.await("the certificate failure counted", Duration.ofSeconds(10),
                    () -> tlsStats(running, "md5", TlsAppStats.TARGETS).failed().get("certificate") == 1);
        }
    }

    @Test
    void reloadGivesNewClientsTheNewCertificateWhileAnOpenConnectionKeepsItsOwn() throws Exception {
        Path chain = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(certs.serverChain(), chain);
        Files.copy(certs.serverKey(), key);
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            String app = """
                    {"Name": "echo", "Ports": [0], "Targets": ["%s"], "Tls": {"Certificate": "live.pem", "Key": "live.key"}}"""
                    .formatted(echo.target());
            RunningService running = proxy(app);
            int port = port(running, "echo");
            TlsClient anything = TlsClient.of(TlsClientConfig.trustingEverything(), "test", System.err);
            try (SSLSocket open = connect(anything, port)) {
                BigInteger before = serial(open);
                // the stranger's certificate, from another CA, replaces the files: the proxy sees them change and
                // reloads (a reload between the two copies is rejected: the key would not match)
                Files.copy(certs.strangerKey(), dir.resolve("new.key"));
                Files.copy(certs.strangerCertificate(), chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(dir.resolve("new.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String issuer = Timing.await("a new client gets the new certificate", Duration.ofSeconds(10),
                        () -> issuer(anything, port), i -> i.contains("other-ca"));
                assertThat(issuer).contains("other-ca");
                assertThatThrownBy(() -> connect(verifying(), port)).isInstanceOf(IOException.class);
                open.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(open.getInputStream().readNBytes(11), StandardCharsets.US_ASCII)).isEqualTo("still here\n");
                assertThat(serial(open)).isEqualTo(before);
            }
        }
    }

    @Test
    void aReloadWithABadKeyIsRejectedNamingTheFileAndTheRunningCertificateStays() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = tlsApp("echo", echo.target(), "");
            int port = port(running, "echo");
            // the client key does not belong to the server certificate
            ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [%d], "Targets": ["%s"],
                      "Tls": {"Certificate": "%s", "Key": "%s"}}]}""".formatted(port, echo.target(), certs.serverChain(), certs.clientKey()));
            Timing.await("the reload rejected", Duration.ofSeconds(10), () -> ProxyFixture.reloader(running).failed() == 1);
            assertThat(ProxyFixture.reloader(running).lastError())
                    .contains("app 'echo'").contains("'Tls'").contains(certs.clientKey().toString()).contains("does not belong");
            ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [%d], "Targets": ["%s"],
                      "Tls": {"Certificate": "%s", "Key": "%s", "Protocols": ["TLSv1.1"]}}]}"""
                    .formatted(port, echo.target(), certs.serverChain(), certs.serverKey()));
            Timing.await("the second reload rejected", Duration.ofSeconds(10), () -> ProxyFixture.reloader(running).failed() == 2);
            assertThat(ProxyFixture.reloader(running).lastError()).contains("'TLSv1.1' is not supported");
            try (SSLSocket s = connect(verifying(), port)) {
                s.getOutputStream().write("kept\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("kept\n");
            }
        }
    }

    /**
     * What {@code socat -t 5 - OPENSSL:...} prints for the MD5 request: it sends close_notify at the end of its
     * input and reads on. Its log must show no TCP FIN without close_notify ("unexpected eof").
     */
    private String socat(int port) throws Exception {
        Path log = dir.resolve("socat-" + System.nanoTime() + ".log");
        Process socat = new ProcessBuilder("socat", "-d", "-d", "-t", "5", "-", "OPENSSL:127.0.0.1:" + port + ",verify=0")
                .redirectError(log.toFile()).start();
        try (OutputStream in = socat.getOutputStream()) {
            in.write("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(socat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(socat.waitFor(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        String errors = Files.readString(log);
        assertThat(socat.exitValue()).as("socat exit; its log:\n%s", errors).isZero();
        assertThat(errors.toLowerCase()).as("socat's log").doesNotContain("unexpected eof").doesNotContain(" e ");
        return out;
    }

    private static String issuer(TlsClient client, int port) {
        try (SSLSocket s = connect(client, port)) {
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getIssuerX500Principal().getName();
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private static BigInteger serial(SSLSocket s) throws IOException {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
}
