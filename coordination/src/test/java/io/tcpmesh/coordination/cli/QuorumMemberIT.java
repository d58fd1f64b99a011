package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumMemberIT {
    @TempDir
    Path data;

    @Test
    void threeMembersFormAQuorumWithOneLeaderAndServeAClientThroughAll() throws Exception {
        List<ServerSocket> reserved = new ArrayList<>();
        try {
            int[] ports = new int[9];
            for (int i = 0; i < ports.length; i++) {
                ServerSocket s = new ServerSocket(0);
                reserved.add(s);
                ports[i] = s.getLocalPort();
            }
            List<QuorumMember.Address> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                members.add(new QuorumMember.Address("127.0.0.1", ports[3 + i], ports[6 + i]));
            }
            for (ServerSocket s : reserved) {
                s.close();
            }
            List<QuorumMember> started = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    started.add(new QuorumMember(i + 1, members, "127.0.0.1", ports[i], data.resolve("zk" + (i + 1)),
                            EmbeddedZooKeeper.DEFAULT_TICK).start(Timing.seconds(30)));
                }
                Timing.await("one leader and two followers", Duration.ofSeconds(30), () -> modes(ports), m ->
                        m.stream().filter("leader"::equals).count() == 1 && m.stream().filter("follower"::equals).count() == 2);
                for (int i = 0; i < 3; i++) {
                    assertThat(Files.readString(data.resolve("zk" + (i + 1)).resolve("myid"), StandardCharsets.US_ASCII).trim())
                            .isEqualTo(Integer.toString(i + 1));
                }
                String all = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
                try (CuratorFramework client = ZooKeeperClients.start(ZooKeeperConfig.of(all, "/tcpmesh"));
                     CuratorFramework viaThird = ZooKeeperClients.start(ZooKeeperConfig.of("127.0.0.1:" + ports[2], "/tcpmesh"))) {
                    client.create().creatingParentsIfNeeded().forPath("/config/x", "1".getBytes(StandardCharsets.UTF_8));
                    viaThird.sync().forPath("/config/x");
                    assertThat(new String(viaThird.getData().forPath("/config/x"), StandardCharsets.UTF_8)).isEqualTo("1");
                }
            } finally {
                for (QuorumMember m : started) {
                    m.close();
                }
            }
        } finally {
            for (ServerSocket s : reserved) {
                s.close();
            }
        }
    }

    @Test
    void aDataDirOfAnotherMemberIsRefused() throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), "2\n");
        List<QuorumMember.Address> members = List.of(QuorumMember.Address.parse("127.0.0.1:12888:13888"),
                QuorumMember.Address.parse("127.0.0.1:12889:13889"), QuorumMember.Address.parse("127.0.0.1:12890:13890"));
        QuorumMember member = new QuorumMember(1, members, "127.0.0.1", 12181, data, EmbeddedZooKeeper.DEFAULT_TICK);
        assertThatThrownBy(() -> member.start(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("says this is member 2");
    }

    @Test
    void badMemberListsAreClearErrors() {
        assertThatThrownBy(() -> QuorumMember.Address.parse("127.0.0.1:12888")).hasMessageContaining("host:peerPort:electionPort");
        assertThatThrownBy(() -> QuorumMember.Address.parse("h:x:1")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> new QuorumMember(4, List.of(QuorumMember.Address.parse("h:1:2"), QuorumMember.Address.parse("h:3:4")),
                "127.0.0.1", 2181, data, EmbeddedZooKeeper.DEFAULT_TICK)).hasMessageContaining("--id must be in 1..2");
    }

    private static List<String> modes(int[] ports) {
        List<String> modes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Optional<String> mode = EmbeddedZooKeeper.mode("127.0.0.1", ports[i], Duration.ofSeconds(2));
            modes.add(mode.orElse("down"));
        }
        return modes;
    }
}
