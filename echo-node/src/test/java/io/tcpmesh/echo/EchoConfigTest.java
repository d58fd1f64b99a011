package io.tcpmesh.echo;

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
}
