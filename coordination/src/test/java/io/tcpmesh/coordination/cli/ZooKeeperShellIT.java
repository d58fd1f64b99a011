package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.ZooKeeperAccess;
import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperShellIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    @Test
    void writesWithTheSecretFromTheFileWhatAStrangerMayNot() throws Exception {
        Path file = Files.writeString(dir.resolve("zk-auth"), "0123456789abcdef0123456789abcdef\n");
        ZooKeeperConfig config = zk.config().withAuth(ZooKeeperAuth.read(file));
        CuratorFramework secured = zk.newClient(config);
        assertThat(secured.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        ZooKeeperAccess.verify(secured, config);
        String json = "{\n  \"Apps\": [ {\"Name\": \"it's\", \"Ports\": [7000]} ]\n}";
        CuratorFramework stranger = zk.newClient();
        assertThatThrownBy(() -> stranger.create().forPath("/config/proxy", json.getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);

        int code = ZooKeeperShell.run(new String[]{"--zk-auth", file.toString(), "-server", zk.connectString(),
                "create", zk.root() + "/config/proxy", json});

        assertThat(code).isZero();
        assertThat(new String(stranger.getData().forPath("/config/proxy"), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(ZooKeeperShell.run(new String[]{"--zk-auth", file.toString(), "-server", zk.connectString(),
                "delete", zk.root() + "/config/proxy"})).isZero();
        assertThat(stranger.checkExists().forPath("/config/proxy")).isNull();
    }

    @Test
    void aMissingSecretFileIsExitCode2() throws Exception {
        assertThat(ZooKeeperShell.run(new String[]{"--zk-auth", dir.resolve("none").toString(), "-server", zk.connectString(), "ls", "/"}))
                .isEqualTo(2);
    }

    @Test
    void theCommandIsWhatFollowsZooKeeperMainsOwnOptions() {
        assertThat(ZooKeeperShell.hasCommand(List.of("-server", "h:1"))).isFalse();
        assertThat(ZooKeeperShell.hasCommand(List.of("-server", "h:1", "-timeout", "3000", "-r"))).isFalse();
        assertThat(ZooKeeperShell.hasCommand(List.of("-server", "h:1", "ls", "/"))).isTrue();
    }
}
