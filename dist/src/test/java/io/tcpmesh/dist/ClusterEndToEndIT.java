package io.tcpmesh.dist;

import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole cluster, started by the real scripts on free ports, used with the real netcat and the
 * ZooKeeper CLI, as the README tells a newcomer to. The tests share one cluster but not an order: each
 * says what it needs ({@link #everyProcessUp()}), and a test that kills a process brings it back before it
 * ends, so any one of them runs alone ({@code -Dit.test='ClusterEndToEndIT#name'}). Only the test that stops
 * the cluster is placed, last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndIT {
    private static final Path DIST = Path.of("").toAbsolutePath();

    private static Path runDir;
    private static int offset;
    private static Shell sh;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(Files.exists(DIST.resolve("target/lib"))).as("dist/target/lib built by the package phase").isTrue();
        runDir = Files.createTempDirectory("tcpmesh-e2e-run");
        offset = ClusterPorts.freeOffset("a second cluster", 14000, 15000, 16000, 22000, 3000, 4000);
        sh = new Shell(DIST, Map.of("TCPMESH_RUN_DIR", runDir.toString(), "TCPMESH_PORT_OFFSET", Integer.toString(offset)));
        Shell.Result started = sh.run("./start-cluster.sh --no-build", Duration.ofMinutes(3));
        assertThat(started.exitCode()).as("start-cluster.sh: %s", started).isZero();
        assertThat(started.output()).contains("tcpmesh is running");
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

    @Test
    void startingTwiceDoesNotStartASecondCluster() throws Exception {
        Shell.Result again = sh.run("./start-cluster.sh --no-build", Duration.ofMinutes(1));
        assertThat(again.exitCode()).isZero();
        assertThat(again.output()).contains("already running");
    }

    @Test
    void md5ThroughTheProxyWithNetcat() throws Exception {
        Shell.Result r = sh.run("echo -n 'Hello, MD5 server!' | nc -N 127.0.0.1 " + port(7000), Duration.ofSeconds(30));
        assertThat(r.output().trim()).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e");
    }

    @Test
    void echoThroughTheProxyWithNetcat() throws Exception {
        Shell.Result r = sh.run("echo 'hello tcpmesh' | nc -N 127.0.0.1 " + port(8000), Duration.ofSeconds(30));
        assertThat(r.output()).isEqualTo("hello tcpmesh\n");
    }

    @Test
    void zkcliListsThreeMd5Instances() throws Exception {
        everyProcessUp();
        // a node restarted by another test registers a moment after its port opens
        Timing.await("zkcli.sh listing three md5 instances", Duration.ofSeconds(30), () -> quietly(() -> md5Instances()), n -> n != null && n == 3);
    }

    private static Integer md5Instances() throws Exception {
        Shell.Result r = sh.run("./zkcli.sh ls /tcpmesh/services/md5", Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("%s", r).isZero();
        Matcher m = Pattern.compile("\\[(md5-[^\\]]*)]").matcher(r.output());
        return m.find() ? m.group(1).split(",\\s*").length : null;
    }

    @Test
    void theClusterWritesWithTheSecretStartClusterMadeAndTheZooKeeperCliWithoutItCannot() throws Exception {
        Path secret = runDir.resolve("zk-auth");
        assertThat(Files.readString(secret).trim()).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");

        Shell.Result acl = sh.run("./zkcli.sh getAcl /tcpmesh/services/md5", Duration.ofSeconds(60));
        assertThat(acl.output()).as("%s", acl).contains("'digest,'tcpmesh:").contains("'world,'anyone\n: r");

        Shell.Result rogue = sh.run("./zkcli.sh create -e /tcpmesh/services/md5/rogue '{}'", Duration.ofSeconds(60));
        assertThat(rogue.output()).as("%s", rogue).contains("Insufficient permission : /tcpmesh/services/md5/rogue");
        Shell.Result ls = sh.run("./zkcli.sh ls /tcpmesh/services/md5", Duration.ofSeconds(60));
        assertThat(ls.exitCode()).as("%s", ls).isZero();
        assertThat(ls.output()).as("%s", ls).contains("md5-").doesNotContain("rogue");

        Shell.Result write = sh.run("./zkcli.sh --write create /tcpmesh/e2e-probe 'written with the secret'"
                + " && ./zkcli.sh get /tcpmesh/e2e-probe && ./zkcli.sh --write delete /tcpmesh/e2e-probe", Duration.ofSeconds(90));
        assertThat(write.exitCode()).as("%s", write).isZero();
        assertThat(write.output()).contains("written with the secret").doesNotContain(Files.readString(secret).trim());
    }

    @Test
    void statusShowsEveryProcessUpAndTheEchoLeader() throws Exception {
        everyProcessUp();
        Shell.Result r = sh.run("./status.sh", Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.output()).doesNotContain(" down ").contains("leader of echo: echo-");
    }

    @Test
    void killingTheEchoLeaderMovesTheMasterPort() throws Exception {
        everyProcessUp();
        String leader = Timing.await("an echo leader", Duration.ofSeconds(30), () -> quietly(ClusterEndToEndIT::echoLeader), l -> l != null);
        Timing.await("the master port answers", Duration.ofSeconds(30), () -> "before".equals(quietly(() -> echoOnce(port(8888), "before"))));

        kill(leader);
        try {
            Timing.await("another echo node leads", Duration.ofSeconds(30), () -> quietly(ClusterEndToEndIT::echoLeader),
                    now -> now != null && !now.equals(leader));
            Timing.await("the master port answers again", Duration.ofSeconds(30), () -> "after".equals(quietly(() -> echoOnce(port(8888), "after"))));
        } finally {
            restart(leader);
        }
    }

    @Test
    void killingAnMd5NodeFailsNoRequestStartedAfterTheKill() throws Exception {
        everyProcessUp();
        String victim = "md5-" + port(7002);
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger afterKill = new AtomicInteger();
        Thread loop = new Thread(() -> {
            byte[] body = "tcpmesh".getBytes(StandardCharsets.US_ASCII);
            String expected = md5(body);
            while (!stop.get()) {
                boolean startedAfterKill = killed.get();
                String answer = quietly(() -> md5Request(port(7000), body));
                if (expected.equals(answer)) {
                    answered.incrementAndGet();
                }
                if (startedAfterKill) {
                    afterKill.incrementAndGet();
                    if (!expected.equals(answer)) {
                        failures.add(String.valueOf(answer));
                    }
                }
            }
        }, "md5-loop");
        loop.start();
        try {
            Timing.await("requests answered before the kill", Duration.ofSeconds(20), () -> answered.get() >= 50);
            // the kill counts from the moment the process is gone, not from the signal
            kill(victim);
            killed.set(true);
            Timing.await("300 requests started after the kill", Duration.ofSeconds(60), () -> afterKill.get() >= 300);
        } finally {
            stop.set(true);
            loop.join(Timing.seconds(10).toMillis());
            restart(victim);
        }
        assertThat(failures).as("requests started after the kill that failed").isEmpty();
    }

    @Test
    void aNumbersClientThroughTheProxyFinishesWithAMatchingChecksum() throws Exception {
        Shell.Result r = sh.run("bin/numbers-client --port " + port(7100) + " --count 3", Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.output().toLowerCase()).contains("checksum");
    }

    @Test
    void threeStorageAgentsFinishAndTheReportNamesThem() throws Exception {
        Path data = Files.createTempDirectory("tcpmesh-e2e-storage");
        String zk = Files.readString(runDir.resolve("zk")).trim();
        String agents = IntStream.rangeClosed(1, 3)
                .mapToObj(i -> "bin/storage-agent --runtime 3s --chunk-size " + (i * 64) + "K --file-size 512K --dir '"
                        + data.resolve("a" + i) + "' --id e2e-agent-" + i + " --zk " + zk + " --run e2e --expect 3 &")
                .reduce("", String::concat);
        Shell.Result r = sh.run(agents + " wait", Duration.ofSeconds(90));
        assertThat(r.exitCode()).as("%s", r).isZero();
        Timing.await("a report naming the three agents", Duration.ofSeconds(30), () -> quietly(() -> {
            Shell.Result report = sh.run("bin/storage-collector report e2e", Duration.ofSeconds(30)); // finds the cluster's database
            return report.output();
        }), out -> out != null && out.contains("e2e-agent-1") && out.contains("e2e-agent-2") && out.contains("e2e-agent-3"));
    }

    @Test
    void sighupReloadsTheProxyStartedByTheScript() throws Exception {
        Path log = runDir.resolve("logs/proxy.log");
        Assumptions.assumeFalse(Files.readString(log).contains("SIGHUP is ignored"),
                "this test runs under nohup: every process it starts inherits an ignored SIGHUP");
        sh.run("kill -HUP $(cat \"$TCPMESH_RUN_DIR/pids/proxy.pid\")", Duration.ofSeconds(10));
        Timing.await("the proxy's log says it reloaded on SIGHUP", Duration.ofSeconds(10),
                () -> quietly(() -> Files.readString(log)), text -> text != null && text.contains("reloaded (SIGHUP)"));
        Shell.Result r = sh.run("echo -n 'Hello, MD5 server!' | nc -N 127.0.0.1 " + port(7000), Duration.ofSeconds(30));
        assertThat(r.output().trim()).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e");
    }

    @Test
    void restartNodeBringsAKilledMd5NodeBackWithItsAdminEndpoint() throws Exception {
        everyProcessUp();
        String node = "md5-" + port(7002);
        kill(node);
        Shell.Result r = sh.run("./restart-node.sh " + node, Duration.ofSeconds(90));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.output()).contains("restarted " + node);
        Timing.await(node + " registered again", Duration.ofSeconds(30), () -> quietly(() -> sh.run("./zkcli.sh ls /tcpmesh/services/md5",
                Duration.ofSeconds(60)).output()), out -> out != null && out.contains(node));
        String admin = "127.0.0.1:" + port(9002);
        assertThat(Http.get(admin, "/health")).isEqualTo("200 ok\n");
        assertThat(Http.get(admin, "/metrics")).contains("tcpmesh_info{node=\"" + node + "\",service=\"md5\"")
                .doesNotContain("version=\"dev\"");
        assertThat(sh.run("./restart-node.sh md5-1", Duration.ofSeconds(30)).exitCode()).isEqualTo(2);
        String proxyAdmin = "127.0.0.1:" + port(9000);
        Timing.await("the cluster page lists " + node + " healthy", Duration.ofSeconds(30), () -> Http.get(proxyAdmin, "/cluster.json"),
                page -> page.startsWith("200 ") && Pattern.compile("\"id\" : \"" + node + "\",[^}]*\"health\" : \"ok\"", Pattern.DOTALL)
                        .matcher(page).find());
    }

    /** Last: it stops the cluster every other test shares. */
    @Test
    @Order(Integer.MAX_VALUE)
    void stopClusterLeavesNoProcess() throws Exception {
        Shell.Result r = sh.run("./stop-cluster.sh --deadline 15", Duration.ofMinutes(2));
        assertThat(r.exitCode()).as("%s", r).isZero();
        Shell.Result left = sh.run("pgrep -f -- \"$TCPMESH_RUN_DIR\" || true", Duration.ofSeconds(10));
        assertThat(left.output().trim()).as("processes left").isEmpty();
        for (int p : ClusterPorts.DEFAULT) {
            assertThat(open(port(p))).as("port %d closed", port(p)).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** What most tests need: every process the script started, up (status.sh says none is down). */
    private static void everyProcessUp() {
        Timing.await("every process up (status.sh)", Duration.ofSeconds(60), () -> quietly(() -> sh.run("./status.sh", Duration.ofSeconds(60)).output()),
                out -> out != null && !out.contains(" down ") && out.contains("leader of echo: echo-"));
    }

    /** kill -9, and returns once the process is gone. */
    private static void kill(String name) throws Exception {
        Shell.Result r = sh.run("pid=$(cat \"$TCPMESH_RUN_DIR/pids/" + name + ".pid\"); kill -9 $pid; "
                + "while kill -0 $pid 2>/dev/null; do sleep 0.01; done", Duration.ofSeconds(10));
        assertThat(r.exitCode()).as("kill %s: %s", name, r).isZero();
    }

    /** Brings a killed process back with the arguments the script gave it (restart-node.sh). */
    private static void restart(String name) throws Exception {
        Shell.Result r = sh.run("./restart-node.sh " + name, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("restart-node.sh %s: %s", name, r).isZero();
    }

    private static String echoLeader() throws Exception {
        Shell.Result r = sh.run("./status.sh", Duration.ofSeconds(60));
        Matcher m = Pattern.compile("leader of echo: (echo-\\d+)").matcher(r.output());
        return m.find() ? m.group(1) : null;
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T quietly(Call<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return null;
        }
    }

    private static String echoOnce(int port, String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] reply = s.getInputStream().readNBytes(line.length() + 1);
            return new String(reply, StandardCharsets.UTF_8).trim();
        }
    }

    private static String md5Request(int port, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(body);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean open(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
