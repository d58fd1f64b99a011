package io.tcpmesh.echo;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code echo-node}: serves echo on its port and, while elected, on the master port. */
@Command(name = "echo-node", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = MembersCommand.class,
        description = {"Echoes every byte back. Nodes register as service 'echo' in ZooKeeper and elect a leader "
                + "(/tcpmesh/leaders/echo) that also serves the master port.",
                "Subcommand 'members' lists the live nodes and the leader."})
public final class EchoNodeCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service = new ServiceOptions(9601);

    @Option(names = "--master-port", paramLabel = "PORT",
            description = "Port the elected leader also serves (default: ${DEFAULT-VALUE}).")
    int masterPort = EchoConfig.DEFAULT_MASTER_PORT;

    @Option(names = "--broadcast",
            description = "On the master port, relay each message to every other master-port client as well as echoing it.")
    boolean broadcast;

    @Option(names = "--write-high-water", paramLabel = "SIZE", converter = Sizes.class,
            description = "Pending write bytes of a client above which the clients feeding it are no longer read; "
                    + "reading resumes below half of it (default: 512K).")
    long writeHighWater = EchoConfig.DEFAULT_HIGH_WATER;

    @Override
    public Integer call() throws Exception {
        EchoConfig config = EchoConfig.of(masterPort, broadcast, writeHighWater);
        return ServiceLauncher.serve("echo", service, new EchoModule(config));
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new EchoNodeCommand(), args);
    }
}
