package io.tcpmesh.coordination.bootstrap;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsAndSizesTest {
    @Test
    void parsesDurationsAsPeopleWriteThem() {
        assertThat(Durations.parse("5ms")).isEqualTo(Duration.ofMillis(5));
        assertThat(Durations.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
    }

    @Test
    void rejectsDurationsWithoutAUnit() {
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("'30' is not a duration");
        assertThatThrownBy(() -> Durations.parse("1.5s")).hasMessageContaining("not a duration");
    }

    @Test
    void parsesSizesWithBinarySuffixes() {
        assertThat(Sizes.parse("512")).isEqualTo(512);
        assertThat(Sizes.parse("64K")).isEqualTo(64 * 1024);
        assertThat(Sizes.parse("10M")).isEqualTo(10L << 20);
        assertThat(Sizes.parse("1g")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(Sizes.format(10L << 20)).isEqualTo("10M");
        assertThat(Sizes.format(1536 * 1024)).isEqualTo("1536K");
    }

    @Test
    void rejectsMalformedSizes() {
        assertThatThrownBy(() -> Sizes.parse("ten")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("9999999999999T")).hasMessageContaining("too large");
    }
}
