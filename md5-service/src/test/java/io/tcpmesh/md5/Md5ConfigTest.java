package io.tcpmesh.md5;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Md5ConfigTest {
    @Test
    void defaultsAreThoseOfTheIssue() {
        Md5Config config = Md5Config.defaults();
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.hashing()).isEqualTo(Hashing.IO);
    }

    @Test
    void badValuesNameTheirOption() {
        Md5Config ok = Md5Config.defaults();
        assertThatThrownBy(() -> ok.withIdleTimeout(Duration.ofMillis(1500))).hasMessageContaining("--idle-timeout");
        assertThatThrownBy(() -> ok.withIdleTimeout(Duration.ZERO)).hasMessageContaining("--idle-timeout");
        assertThatThrownBy(() -> ok.withMaxConnections(0)).hasMessageContaining("--max-connections");
        assertThatThrownBy(() -> ok.withMinRate(-1, Duration.ofSeconds(30))).hasMessageContaining("--min-rate");
        assertThatThrownBy(() -> ok.withMinRate(1024, Duration.ofMillis(500))).hasMessageContaining("--min-rate-window");
    }

    @Test
    void commandLineBuildsTheConfig() {
        Md5ServiceCommand main = new Md5ServiceCommand();
        new CommandLine(main).parseArgs("--idle-timeout", "5s", "--max-connections", "7", "--hashing", "executor",
                "--io-threads", "3", "--max-backlog", "256K", "--min-rate", "2K", "--min-rate-window", "10s");
        assertThat(main.config()).isEqualTo(new Md5Config(Duration.ofSeconds(5), 7, Hashing.EXECUTOR, 3, 256 * 1024,
                2048, Duration.ofSeconds(10)));
    }

    @Test
    void unknownHashingModeIsABadOption() {
        Md5ServiceCommand main = new Md5ServiceCommand();
        new CommandLine(main).parseArgs("--hashing", "gpu");
        assertThatThrownBy(main::config).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--hashing");
    }
}
