package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code load --tls} against the proxy terminating TLS, with certificates made here. */
class LoadTlsIT {
    @TempDir
    static Path certDir;
    static TestCertificates certs;

    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private record Outcome(int code, JsonNode summary, String err) {
    }

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(certDir);
    }

    private Outcome load(String... args) throws IOException {
        Path json = dir.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--json", json.toString(), "--quiet"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadCommand.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        JsonNode summary = Files.exists(json) ? new ObjectMapper().readTree(json.toFile()).path("runs").get(0).path("summary") : null;
        return new Outcome(code, summary, err.toString(StandardCharsets.UTF_8));
    }

    private int tlsPort(TestBackend backend, String app) throws Exception {
        RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                {"Apps": [{"Name": "%s", "Ports": [0], "Targets": ["%s"],
                  "Tls": {"Certificate": "%s", "Key": "%s"}}]}""".formatted(app, backend.target(), certs.serverChain(), certs.serverKey())));
        return ProxyFixture.server(running).ports(app).get(0);
    }

    @Test
    void echoOverTlsVerifiesTheProxyAndChecksEveryByte() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            int port = tlsPort(echo, "echo");
            Outcome o = load("--tls", "--tls-ca", certs.ca().toString(), "-c", "4", "-n", "400", "--size", "3000",
                    "localhost:" + port);
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.summary().path("requests").asLong()).isEqualTo(400);
            assertThat(o.summary().path("errors").asLong()).isZero();
            assertThat(o.err()).doesNotContain("WARNING");
        }
    }

    @Test
    void md5OverTlsHalfClosesWithCloseNotifyAndGetsTheDigest() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            int port = tlsPort(md5, "md5");
            Outcome o = load("--tls", "--tls-insecure", "--mode", "md5", "-c", "3", "-n", "60", "--size", "40000",
                    "127.0.0.1:" + port);
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.summary().path("requests").asLong()).isEqualTo(60);
            assertThat(o.err()).contains("load: WARNING: --tls-insecure");
        }
    }

    @Test
    void aProxyWhoseCertificateIsNotTrustedFailsEveryRequestAsTls() throws Exception {
        try (TestBackend echo = new TestBackend(TestBackend.Mode.ECHO)) {
            int port = tlsPort(echo, "echo");
            Outcome o = load("--tls", "--tls-ca", certs.otherCa().toString(), "-c", "2", "-d", "1s", "localhost:" + port);
            assertThat(o.code()).isEqualTo(LoadCommand.NOTHING_ANSWERED);
            assertThat(o.summary().path("errorsByKind").path("tls").asLong()).isPositive();
            assertThat(echo.accepted()).isZero();
        }
    }

    @Test
    void tlsOptionsWithoutTlsAreBadOptions() throws Exception {
        Outcome o = load("--tls-insecure", "127.0.0.1:1");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("load: --tls-insecure needs --tls");
        assertThat(load("--tls", "127.0.0.1:1").err()).contains("--tls needs --tls-ca FILE");
    }
}
