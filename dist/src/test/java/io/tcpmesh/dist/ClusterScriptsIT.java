package io.tcpmesh.dist;

import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster scripts' first-use defects: bad offsets, a process dying during start-up, stray data folders. */
class ClusterScriptsIT {
    private static final Path DIST = Path.of("").toAbsolutePath();

    @TempDir
    Path runDir;

    private Shell shell(int offset) {
        return new Shell(DIST, Map.of("TCPMESH_RUN_DIR", runDir.toString(), "TCPMESH_PORT_OFFSET", Integer.toString(offset)));
    }

    @Test
    void anOffsetThatPutsAPortOnTheDefaultClusterIsRefusedWithTheReason() throws Exception {
        Shell.Result r = shell(1000).run("./start-cluster.sh --no-build", Duration.ofSeconds(30));
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.output()).contains("port offset 1000 puts the md5 proxy port on 8000, which is the echo proxy port");
        r = shell(2000).run("./start-cluster.sh --no-build", Duration.ofSeconds(30));
        assertThat(r.output()).contains("on 9000, which is the proxy admin port");
        assertThat(Files.exists(runDir.resolve("pids"))).as("nothing started").isFalse();
    }

    @Test
    void restartNodeNamesTheProcessesItKnows() throws Exception {
        Shell.Result r = shell(0).run("./restart-node.sh", Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("which process?");
        r = shell(0).run("./restart-node.sh md5-7002", Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("no process 'md5-7002' was started from " + runDir);
    }

    @Test
    void theTarballsReadmeSpeaksOfTheTarballsOwnPaths() throws Exception {
        Shell.Result r = shell(0).run("tar xzf target/tcpmesh-*.tar.gz -O --wildcards '*/README.md'", Duration.ofSeconds(30));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.output()).contains("./start-cluster.sh").contains("./restart-node.sh md5-7002").contains("bin/md5-service")
                .doesNotContain("dist/").doesNotContain("mvn ");
        Shell.Result list = shell(0).run("tar tzf target/tcpmesh-*.tar.gz", Duration.ofSeconds(30));
        assertThat(list.output()).contains("/restart-node.sh").contains("/bin/zookeeper");
    }

    @Test
    void zookeeperKeepsItsDataInTheRunFolderNotTheCurrentOne(@TempDir Path cwd) throws Exception {
        Path script = DIST.resolve("bin/zookeeper");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--port", "0", "--bind", "127.0.0.1")
                .directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(runDir.resolve("zk.out").toFile());
        pb.environment().put("TCPMESH_RUN_DIR", runDir.toString());
        Process zk = pb.start();
        try {
            Timing.await("zookeeper serving", Duration.ofSeconds(60),
                    () -> read(runDir.resolve("zk.out")).contains("zookeeper serving on"));
        } finally {
            zk.destroy();
            zk.waitFor();
        }
        assertThat(runDir.resolve("zookeeper-data")).isDirectory();
        try (var files = Files.list(cwd)) {
            assertThat(files).as("nothing written into the current folder").isEmpty();
        }
    }

    /**
     * A port held by a socket that is bound but not listening looks free to start-cluster's check, and the
     * proxy then fails to bind its admin port: start-cluster must stop waiting at once and show the log.
     */
    @Test
    void aProcessThatDiesDuringStartUpEndsTheWaitWithItsLog() throws Exception {
        int offset = ClusterPorts.freeOffset("the scripts cluster", 17000, 18000, 19000, 21000, 12000);
        Shell sh = shell(offset);
        try (Socket holder = new Socket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9000 + offset));
            Shell.Result r = sh.run("./start-cluster.sh --no-build", Duration.ofMinutes(3));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.output()).contains("proxy exited during start-up")
                    .contains("--- proxy (exited)")
                    .contains("pick another with --admin-port")
                    .doesNotContain("not every service registered");
        } finally {
            sh.run("./stop-cluster.sh --deadline 15", Duration.ofMinutes(2));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
