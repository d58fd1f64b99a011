package io.tcpmesh.dist;

import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dist/netns-cluster.sh: the cluster over network namespaces, one host per process, partitioned one
 * host at a time: an md5 node, the echo leader, a ZooKeeper member. Runs only as root with
 * {@code ip netns}; otherwise it is skipped and says why.
 */
class NetnsClusterIT {
    private static final Path DIST = Path.of("").toAbsolutePath();

    @Test
    void upCheckPartitionEachKindOfHostHealAndDown() throws Exception {
        String why = unavailable();
        if (why != null) {
            System.out.println("NetnsClusterIT skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        Path run = Files.createTempDirectory("tcpmesh-netns-it");
        Shell sh = new Shell(DIST, Map.of("TCPMESH_NETNS_PREFIX", "tmit", "TCPMESH_RUN_DIR", run.toString()));
        try {
            Shell.Result up = sh.run("./netns-cluster.sh up", Duration.ofMinutes(3));
            assertThat(up.exitCode()).as("up: %s", up).isZero();
            assertChecksPass(sh);

            // an md5 node cut off: it leaves ZooKeeper (and the proxy) after the session timeout, md5 still answers
            sh.run("./netns-cluster.sh partition md5a", Duration.ofSeconds(10));
            Timing.await("md5-a gone from ZooKeeper", Duration.ofSeconds(30), () -> registered(sh, "md5"), r -> r.equals("[md5-b]"));
            assertChecksPass(sh);
            sh.run("./netns-cluster.sh heal md5a", Duration.ofSeconds(10));
            Timing.await("md5-a back, once", Duration.ofSeconds(40), () -> registered(sh, "md5"), r -> r.equals("[md5-a, md5-b]"));

            // the echo leader cut off: it stops serving before the other node binds, which then serves
            String leader = echoLeader(sh);
            String other = leader.equals("echo1") ? "echo2" : "echo1";
            sh.run("./netns-cluster.sh partition " + leader, Duration.ofSeconds(10));
            Timing.await("the other echo node leads", Duration.ofSeconds(40), () -> echoLeader(sh), other::equals);
            assertChecksPass(sh);
            OffsetDateTime released = lastLogTime(run.resolve("logs/echo-" + leader + ".log"), "released master port");
            OffsetDateTime served = lastLogTime(run.resolve("logs/echo-" + other + ".log"), "leader: serving master port");
            assertThat(released).as("the old leader released the master port before the successor bound it").isBefore(served);
            sh.run("./netns-cluster.sh heal " + leader, Duration.ofSeconds(10));
            Timing.await("both echo nodes registered, once", Duration.ofSeconds(40), () -> registered(sh, "echo"),
                    r -> r.equals("[echo-1, echo-2]"));
            assertThat(echoLeader(sh)).as("the successor still leads").isEqualTo(other);

            // a ZooKeeper member cut off, the ensemble's leader: proxied traffic goes on at once; the echo
            // leader keeps its leadership (same session), though its master port may pause while the other
            // two members elect a new leader and its lease lapses (docs/several-machines.md measures it)
            String zkLeader = sh.run("./netns-cluster.sh leader", Duration.ofSeconds(30)).output()
                    .lines().filter(l -> l.startsWith("zookeeper leader: ")).findFirst().orElseThrow().substring(18).trim();
            sh.run("./netns-cluster.sh partition " + zkLeader, Duration.ofSeconds(10));
            assertThat(checks(sh)).as("proxied checks right after the cut").filteredOn(l -> !l.contains("echo master port"))
                    .hasSize(3).allMatch(l -> l.startsWith("ok "));
            Timing.await("every check passes with the ZooKeeper leader cut off", Duration.ofSeconds(30), () -> checks(sh),
                    NetnsClusterIT::allPass);
            assertThat(echoLeader(sh)).as("the echo leader unchanged").isEqualTo(other);
            sh.run("./netns-cluster.sh heal " + zkLeader, Duration.ofSeconds(10));
            Timing.await("every check passes after the heal", Duration.ofSeconds(30), () -> checks(sh),
                    NetnsClusterIT::allPass);
            assertThat(echoLeader(sh)).as("the echo leader unchanged after the heal").isEqualTo(other);
        } finally {
            Shell.Result down = sh.run("./netns-cluster.sh down", Duration.ofMinutes(1));
            assertThat(down.exitCode()).as("down: %s", down).isZero();
        }
        Shell.Result left = new Shell(DIST, Map.of()).run("ip netns list | grep -c '^tmit-' || true", Duration.ofSeconds(10));
        assertThat(left.output().trim()).as("namespaces left").isEqualTo("0");
    }

    private static String unavailable() throws IOException, InterruptedException {
        Shell probe = new Shell(DIST, Map.of());
        if (!probe.run("id -u", Duration.ofSeconds(10)).output().trim().equals("0")) {
            return "not running as root (network namespaces need root)";
        }
        if (probe.run("command -v ip >/dev/null && ip netns list >/dev/null", Duration.ofSeconds(10)).exitCode() != 0) {
            return "'ip netns' (iproute2 with network namespaces) is not available";
        }
        return null;
    }

    private static void assertChecksPass(Shell sh) throws IOException, InterruptedException {
        Shell.Result check = sh.run("./netns-cluster.sh check", Duration.ofMinutes(1));
        assertThat(check.exitCode()).as("check: %s", check).isZero();
        assertThat(lines(check)).hasSize(4).allMatch(l -> l.startsWith("ok "));
    }

    /** All four checks ran and passed. */
    private static boolean allPass(List<String> lines) {
        return lines.size() == 4 && lines.stream().allMatch(l -> l.startsWith("ok "));
    }

    /** The check's result lines ("ok ..." or "FAIL ..."); an error running it gives a FAIL line. */
    private static List<String> checks(Shell sh) {
        try {
            return lines(sh.run("./netns-cluster.sh check", Duration.ofMinutes(1)));
        } catch (IOException | InterruptedException e) {
            return List.of("FAIL " + e);
        }
    }

    private static List<String> lines(Shell.Result check) {
        return check.output().lines().filter(l -> l.startsWith("ok ") || l.startsWith("FAIL ")).toList();
    }

    private static String registered(Shell sh, String service) {
        try {
            return sh.run("./netns-cluster.sh registered " + service, Duration.ofSeconds(30)).output().trim();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static String echoLeader(Shell sh) {
        try {
            return sh.run("./netns-cluster.sh leader", Duration.ofSeconds(30)).output().lines()
                    .filter(l -> l.startsWith("echo leader: ")).findFirst().map(l -> l.substring(13).trim()).orElse("");
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static OffsetDateTime lastLogTime(Path log, String text) throws IOException {
        String line = Files.readAllLines(log).stream().filter(l -> l.contains(text)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no '" + text + "' in " + log));
        return OffsetDateTime.parse(line.substring(0, 28).replace("+0000", "+00:00"));
    }
}
