package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.numbers.client.NumbersClientCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {
    @Test
    void badServerOptionsExitWithTwo() {
        assertThat(ServiceLauncher.execute(new NumbersServerCommand(), "--store", "disk")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(ServiceLauncher.execute(new NumbersServerCommand(), "--interval", "0ms")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(ServiceLauncher.execute(new NumbersServerCommand(), "--interval", "soon")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(ServiceLauncher.execute(new NumbersServerCommand(), "--fail-every", "-1")).isEqualTo(ExitCodes.BAD_OPTIONS);
    }

    @Test
    void badClientOptionsExitWithTwo() {
        assertThat(ServiceLauncher.execute(new NumbersClientCommand(), "--count", "0")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(ServiceLauncher.execute(new NumbersClientCommand(), "--count", "65536")).isEqualTo(ExitCodes.BAD_OPTIONS);
        assertThat(ServiceLauncher.execute(new NumbersClientCommand(), "--client-id", "a/b")).isEqualTo(ExitCodes.BAD_OPTIONS);
    }

    @Test
    void theClientSaysHowLongItsStreamIsExpectedToTake() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ServiceLauncher.execute(new NumbersClientCommand(), "--port", "1", "--count", "65535", "--backoff", "5ms",
                    "--max-backoff", "20ms", "--give-up", "100ms");
            ServiceLauncher.execute(new NumbersClientCommand(), "--port", "1", "--count", "random", "--backoff", "5ms",
                    "--max-backoff", "20ms", "--give-up", "100ms");
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("expected to take about 18 h 12 min at one message per second");
        assertThat(printed).containsPattern("\\(--count random\\)\\R+expected to take about \\d+ (h|min|s)");
    }

    @Test
    void helpExitsWithZero() {
        assertThat(ServiceLauncher.execute(new NumbersServerCommand(), "--help")).isEqualTo(ExitCodes.OK);
        assertThat(ServiceLauncher.execute(new NumbersClientCommand(), "--help")).isEqualTo(ExitCodes.OK);
    }

    @Test
    void configNamesTheBadOption() {
        assertThatThrownBy(() -> NumbersConfig.defaults().withExpiry(Duration.ZERO)).hasMessageContaining("--expiry");
        assertThat(NumbersConfig.defaults().sweepPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(NumbersConfig.defaults().withExpiry(Duration.ofMillis(30)).sweepPeriod()).isEqualTo(Duration.ofMillis(50));
    }
}
