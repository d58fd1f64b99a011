package io.tcpmesh.echo;

import io.tcpmesh.coordination.Instance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** Finds the master port among the registered echo nodes: the one whose payload says {@code leader=true}. */
public final class MasterLocator {
    private MasterLocator() {
    }

    /** The leading instance, if exactly one says it leads (two means an election is under way: wait). */
    public static Optional<Instance> leader(List<Instance> instances) {
        List<Instance> leaders = instances.stream()
                .filter(i -> "true".equals(i.details().attribute(EchoNode.LEADER_ATTRIBUTE)))
                .toList();
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    /** The leader's master-port address (unresolved), if known. */
    public static Optional<InetSocketAddress> masterAddress(List<Instance> instances) {
        return leader(instances).flatMap(MasterLocator::masterAddress);
    }

    static Optional<InetSocketAddress> masterAddress(Instance leader) {
        String port = leader.details().attribute(EchoNode.MASTER_PORT_ATTRIBUTE);
        try {
            return Optional.of(InetSocketAddress.createUnresolved(leader.host(), Integer.parseInt(port)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
