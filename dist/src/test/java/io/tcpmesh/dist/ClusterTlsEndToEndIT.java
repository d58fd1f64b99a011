package io.tcpmesh.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code start-cluster.sh --tls}: throwaway certificates, TLS on every node and the collector, the proxy terminating
 * TLS and speaking it to the nodes, used with socat.
 */
class ClusterTlsEndToEndIT {
    private static final Path DIST = Path.of("").toAbsolutePath();

    private static Path runDir;
    private static int offset;
    private static Shell sh;
    private static String startOutput;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(Files.exists(DIST.resolve("target/lib"))).as("dist/target/lib built by the package phase").isTrue();
        runDir = Files.createTempDirectory("tcpmesh-tls-e2e-run");
        offset = ClusterPorts.freeOffset("the TLS cluster", 20000, 11000, 10500, 8500);
        sh = new Shell(DIST, Map.of("TCPMESH_RUN_DIR", runDir.toString(), "TCPMESH_PORT_OFFSET", Integer.toString(offset)));
        Shell.Result started = sh.run("./start-cluster.sh --no-build --tls", Duration.ofMinutes(3));
        assertThat(started.exitCode()).as("start-cluster.sh --tls: %s", started).isZero();
        startOutput = started.output();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (sh != null) {
            sh.run("./stop-cluster.sh --deadline 15", Duration.ofMinutes(2));
        }
    }

    private static int port(int defaultPort) {
        return defaultPort + offset;
    }

    private static String ca() {
        return runDir.resolve("tls/ca.pem").toString();
    }

    @Test
    void printsTheTlsCommandsToTry() {
        assertThat(startOutput).contains("tcpmesh is running")
                .contains("socat -t 5 - OPENSSL:127.0.0.1:" + port(7000) + ",cafile=" + ca())
                .contains("openssl s_client -connect 127.0.0.1:" + port(8000));
    }

    @Test
    void md5ThroughTheProxyWithSocatOverVerifiedTls() throws Exception {
        Shell.Result r = sh.run("printf 'Hello, MD5 server!' | socat -t 5 - OPENSSL:127.0.0.1:" + port(7000) + ",cafile=" + ca(),
                Duration.ofSeconds(30));
        assertThat(r.output().trim()).as("%s", r).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e");
        // the proxy terminated the client's TLS and spoke TLS to the md5 node
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port(9000) + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("tcpmesh_proxy_tls_handshakes_total\\{app=\"md5\",side=\"clients\",version=\"TLSv1.3\"} [1-9]")
                .containsPattern("tcpmesh_proxy_tls_handshakes_total\\{app=\"md5\",side=\"targets\",version=\"TLSv1.3\"} [1-9]");
    }

    @Test
    void echoThroughTheProxyWithSocatOverTls() throws Exception {
        Shell.Result r = sh.run("echo 'hello tls' | socat -t 5 - OPENSSL:127.0.0.1:" + port(8000) + ",cafile=" + ca(),
                Duration.ofSeconds(30));
        assertThat(r.output()).as("%s", r).isEqualTo("hello tls\n");
    }

    @Test
    void plaintextMd5RequestGetsNoDigest() throws Exception {
        Shell.Result r = sh.run("echo -n 'Hello, MD5 server!' | timeout 20 nc -N 127.0.0.1 " + port(7000) + "; true", Duration.ofSeconds(30));
        assertThat(r.output()).doesNotContain("ba6f4fdbbfad6e8613f4f9459db93c7e");
    }
}
