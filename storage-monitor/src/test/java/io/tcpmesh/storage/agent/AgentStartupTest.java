package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentStartupTest {
    @TempDir
    Path dir;

    static AgentConfig config(Path dir, String runtime, long chunk, long file, long maxRate, long minFree) {
        return new AgentConfig("t1", io.tcpmesh.coordination.bootstrap.Durations.parse(runtime), chunk, file, dir, 1,
                Duration.ofMillis(200), Duration.ofMillis(200), InetSocketAddress.createUnresolved("127.0.0.1", 1), null,
                null, false, minFree, maxRate, Duration.ofMillis(100), 1000);
    }

    @Test
    void impossibleRunIsRefusedWithTheNumbers() {
        AgentConfig c = config(dir, "1s", 1 << 20, 1L << 30, 1 << 20, 0);
        assertThatThrownBy(() -> Calibration.check(c, () -> Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot give 2 rollovers")
                .hasMessageContaining("calibration write of")
                .hasMessageContaining("--runtime 1s")
                .hasMessageContaining("--file-size 1G")
                .hasMessageContaining("Use a --runtime of at least");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void runNamesAndPeriodsTheCollectorWouldRefuseAreBadOptions() {
        for (String[] bad : new String[][] {{"--run", ".."}, {"--run", "a/b"}, {"--id", "-x"}, {"--heartbeat", "5ms"},
                {"--monitor", "2h"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            int code;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                code = ServiceLauncher.execute(new AgentCommand(), "--dir", dir.toString(), "--collector", "127.0.0.1:1",
                        bad[0], bad[1]);
            } finally {
                System.setErr(old);
            }
            assertThat(code).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad[0] + " must be");
        }
    }

    @Test
    void impossibleRunExitsWith2BeforeConnecting() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = ServiceLauncher.execute(new AgentCommand(), "--runtime", "1s", "--chunk-size", "1M", "--file-size", "1G",
                    "--max-rate", "1M", "--min-free", "0", "--dir", dir.toString(), "--collector", "127.0.0.1:1", "--id", "t2");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot give 2 rollovers");
    }

    @Test
    void bothProgramsHaveHelp() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(ServiceLauncher.execute(new AgentCommand(), "--help")).isZero();
            assertThat(ServiceLauncher.execute(new io.tcpmesh.storage.collector.CollectorCommand(), "--help")).isZero();
            assertThat(ServiceLauncher.execute(new io.tcpmesh.storage.collector.CollectorCommand(), "report", "--help")).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--chunk-size", "--exit-when-done", "RUN-ID");
    }

    @Test
    void reportOfAMissingDatabaseIsABadOption() {
        assertThat(ServiceLauncher.execute(new io.tcpmesh.storage.collector.CollectorCommand(), "runs", "--db",
                dir.resolve("none.db").toString())).isEqualTo(2);
    }

    @Test
    void runThatFitsPassesCalibration() throws IOException {
        Calibration c = Calibration.check(config(dir, "3s", 64 << 10, 256 << 10, 1 << 20, 0), () -> Long.MAX_VALUE);
        assertThat(c.expectedRollovers()).isGreaterThanOrEqualTo(2);
        assertThat(c.bytes()).isPositive();
    }

    @Test
    void tooLittleFreeSpaceIsRefused() {
        AgentConfig c = config(dir, "3s", 64 << 10, 1 << 20, 0, 0);
        assertThatThrownBy(() -> Calibration.check(c, () -> 1 << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("free above --min-free");
    }

    @Test
    void optionsAreValidatedByName() {
        assertThatThrownBy(() -> config(dir, "3s", 1 << 20, 1 << 10, 0, 0)).hasMessageContaining("--file-size");
        assertThatThrownBy(() -> config(dir, "3s", 0, 1 << 10, 0, 0)).hasMessageContaining("--chunk-size");
        assertThatThrownBy(() -> AgentConfig.address("nohost")).hasMessageContaining("--collector");
    }

    @Test
    void writingStopsBeforeTheDiskIsFull() throws Exception {
        long capacity = 6L << 20;
        DiskSpace disk = () -> capacity - used(dir);
        AgentConfig c = config(dir, "20s", 64 << 10, 1 << 20, 0, 2L << 20);
        try (Agent agent = new Agent(c, () -> null, disk)) {
            Agent.Result r = agent.run();
            assertThat(r.stopReason()).isEqualTo("disk nearly full");
            assertThat(r.bytes()).isLessThanOrEqualTo(capacity - (2L << 20));
            assertThat(r.rollovers()).isGreaterThanOrEqualTo(2);
            assertThat(r.elapsedMs()).isLessThan(20_000);
            assertThat(r.delivered()).isFalse();
        }
        assertThat(dir).isEmptyDirectory();
    }

    private static long used(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
