package io.tcpmesh.proxy;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.config.ProxyConfigParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code proxy --config conf/proxy.json [--zk ...] [--admin-port 9000]}: the TCP proxy. */
@Command(name = "proxy", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Listens on every port of every app in the configuration and forwards each connection to a live target:",
                "a fixed host:port, or instances discovered in ZooKeeper (discovery:SERVICE, discovery:SERVICE?leader).",
                "Reloads on SIGHUP, when the file changes, and from ZooKeeper <root>/config/proxy when that node exists.",
                "Registers as service 'proxy' at its admin address: --admin-port (default 9000; /stats, /cluster, /metrics, /health).",
                "--port is not used: the apps' ports come from the file; so is TLS: per app, \"Tls\" (terminate) and \"TargetTls\" (to the targets).",
                "See docs/proxy.md."})
public final class ProxyCommand implements Callable<Integer> {
    /** The proxy serves its admin pages at the port it registers: --admin-port (default 9000) and --admin-bind are the shared options. */
    @Mixin
    ServiceOptions service = new ServiceOptions(9000).adminPort(9000);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The JSON configuration file.")
    Path config;

    @Option(names = "--watch-interval", paramLabel = "DURATION", converter = Durations.class,
            description = "How often the configuration file is checked for changes (default: 1s).")
    Duration watchInterval = Duration.ofSeconds(1);

    @Option(names = "--config-node", paramLabel = "PATH",
            description = "ZooKeeper node, under --zk-root, whose JSON overrides the file while it exists (default: ${DEFAULT-VALUE}).")
    String configNode = ProxySettings.DEFAULT_CONFIG_NODE;

    /** MINA logs every connection reset by a peer as an error; for a proxy that is routine. */
    static final String MINA_READ_ERRORS = "org.slf4j.simpleLogger.log.org.apache.mina.core.service.IoProcessor";

    public static void main(String[] args) {
        if (System.getProperty(MINA_READ_ERRORS) == null) {
            System.setProperty(MINA_READ_ERRORS, "off");
        }
        ServiceLauncher.main(new ProxyCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        int adminPort = service.adminPortOrNull() == null ? 9000 : service.adminPortOrNull();
        if (service.tls().isPresent()) {
            throw new IllegalArgumentException("--tls-cert: the proxy's TLS is per app: \"Tls\" in its configuration (see docs/proxy.md)");
        }
        ProxySettings settings = new ProxySettings(config, service.adminBindText(), adminPort, watchInterval, configNode);
        ProxyConfig initial = ProxyConfigParser.read(config);
        service.port(adminPort).adminServedByService(true);
        return ServiceLauncher.serve("proxy", service, new ProxyModule(settings, initial));
    }
}
