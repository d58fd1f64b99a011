package io.tcpmesh.echo;

import io.tcpmesh.echo.client.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoConfigTest {
    @Test
    void lowWaterMarkIsHalfTheHighOne() {
        assertThat(EchoConfig.of(8888, false, 512 * 1024).writeLowWater()).isEqualTo(256 * 1024);
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> EchoConfig.of(70000, false, 1 << 20)).hasMessageContaining("--master-port");
        assertThatThrownBy(() -> EchoConfig.of(8888, false, 10)).hasMessageContaining("--write-high-water");
        assertThatThrownBy(() -> new EchoConfig(8888, false, 4096, 4096)).hasMessageContaining("low water");
    }

    @Test
    void backoffGrowsWithJitterUpToItsCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayMillis(0)).isBetween(50L, 100L);
            assertThat(backoff.delayMillis(3)).isBetween(400L, 800L);
            assertThat(backoff.delayMillis(30)).isBetween(1000L, 2000L);
        }
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("--backoff-max");
    }
}
