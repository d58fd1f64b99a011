package io.tcpmesh.coordination;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {
    @Test
    void versionIsTheBuildsNotDev() {
        assertThat(Version.current()).isNotEqualTo("dev").matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(new VersionProvider().getVersion()).containsExactly("tcpmesh " + Version.current());
    }
}
