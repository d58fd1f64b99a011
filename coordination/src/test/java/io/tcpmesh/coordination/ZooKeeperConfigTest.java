package io.tcpmesh.coordination;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperConfigTest {
    @Test
    void acceptsSeveralHostsAndNormalisesTheRoot() {
        ZooKeeperConfig config = ZooKeeperConfig.of("zk1:2181, zk2:2181,zk3:2182", "/tcpmesh/");
        assertThat(config.root()).isEqualTo("/tcpmesh");
        assertThat(config.namespace()).isEqualTo("tcpmesh");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsMalformedConnectStringsNamingTheOption() {
        assertThatThrownBy(() -> ZooKeeperConfig.of("localhost", "/tcpmesh")).hasMessageContaining("--zk").hasMessageContaining("host:port");
        assertThatThrownBy(() -> ZooKeeperConfig.of("zk:99999", "/tcpmesh")).hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> ZooKeeperConfig.of("zk:abc", "/tcpmesh")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ZooKeeperConfig.of(" ", "/tcpmesh")).hasMessageContaining("cannot be empty");
    }

    @Test
    void rejectsRelativeRoots() {
        assertThatThrownBy(() -> ZooKeeperConfig.of("zk:2181", "tcpmesh")).hasMessageContaining("--zk-root");
        assertThatThrownBy(() -> ZooKeeperConfig.of("zk:2181", "/")).hasMessageContaining("--zk-root");
    }

    @Test
    void aShortSessionShortensTheConnectionTimeout() {
        ZooKeeperConfig config = ZooKeeperConfig.of("zk:2181", "/t").withSessionTimeout(Duration.ofSeconds(2));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
}
