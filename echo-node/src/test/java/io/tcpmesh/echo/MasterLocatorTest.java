package io.tcpmesh.echo;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.InstanceDetails;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MasterLocatorTest {
    private static Instance node(String id, int port, boolean leader) {
        return new Instance("echo", id, "10.0.0." + port % 10, port,
                new InstanceDetails(id, "test", 0, Map.of("leader", String.valueOf(leader), "masterPort", "8888")));
    }

    @Test
    void masterIsTheLeadersHostAndPublishedMasterPort() {
        List<Instance> members = List.of(node("echo-9601", 9601, false), node("echo-9602", 9602, true));
        assertThat(MasterLocator.masterAddress(members)).contains(InetSocketAddress.createUnresolved("10.0.0.2", 8888));
    }

    @Test
    void noMasterWhileNoneOrTwoSayTheyLead() {
        assertThat(MasterLocator.masterAddress(List.of(node("a", 1, false)))).isEmpty();
        assertThat(MasterLocator.masterAddress(List.of(node("a", 1, true), node("b", 2, true)))).isEmpty();
    }

    @Test
    void membersListingMarksTheLeader() {
        String text = MembersCommand.format("/tcpmesh", List.of(node("echo-9601", 9601, true), node("echo-9602", 9602, false)), "echo-9601");
        assertThat(text).contains("2 live").contains("echo-9601").contains("LEADER").endsWith("/tcpmesh/leaders/echo): echo-9601");
        assertThat(text.lines().filter(l -> l.contains("LEADER")).count()).isEqualTo(1);
    }
}
