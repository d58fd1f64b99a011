package io.tcpmesh.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite itself: one real scenario (an md5 node frozen past its session timeout,
 * re-registered once with the same data) through {@code dist/chaos/run.sh}, which starts and stops its
 * own cluster; and its option errors.
 */
class ChaosHarnessIT {
    private static final Path DIST = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    private final Shell sh = new Shell(DIST, Map.of());

    @Test
    void oneQuickScenarioRunsAgainstItsOwnClusterAndLeavesNothingBehind() throws Exception {
        Path report = tmp.resolve("RELIABILITY.md");
        Path runDir = tmp.resolve("run");
        Shell.Result r = sh.run("chaos/run.sh --quick --only 8 --port-offset " + ClusterPorts.freeOffset("the chaos cluster", 12500, 13500, 17500, 18500)
                + " --run-dir " + runDir + " --out " + report, Duration.ofMinutes(5));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String text = Files.readString(report);
        assertThat(text).contains("# tcpmesh reliability", "Machine: ", "openjdk");
        assertThat(row(text, 8)).contains("re-registered once, same data", "| met |", "md5 instances after: 3");
        assertThat(alivePidsIn(runDir.resolve("pids"))).isEmpty();
    }

    @Test
    void badOptionsExit2WithAMessage() throws Exception {
        Shell.Result unknown = sh.run("chaos/run.sh --only 99", Duration.ofSeconds(30));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.output()).contains("no scenario 99");
        Shell.Result offset = sh.run("chaos/run.sh --port-offset 40000", Duration.ofSeconds(30));
        assertThat(offset.exitCode()).isEqualTo(2);
        assertThat(offset.output()).contains("--port-offset");
        Shell.Result help = sh.run("chaos/run.sh --help", Duration.ofSeconds(30));
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("--quick", "--only", "RELIABILITY.md");
    }

    private static String row(String report, int n) {
        return report.lines().filter(l -> l.startsWith("| " + n + " |")).findFirst().orElse("no row " + n + " in:\n" + report);
    }

    private static List<Long> alivePidsIn(Path pids) throws IOException {
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pids)) {
            return files.map(ChaosHarnessIT::pid)
                    .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .toList();
        }
    }

    private static long pid(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
