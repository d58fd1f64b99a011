package io.tcpmesh.proxy;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.proxy.admin.AdminServer;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.routing.Discovery;
import io.tcpmesh.proxy.routing.HealthChecker;
import io.tcpmesh.proxy.tls.ProxyTls;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;

/**
 * Wires the proxy: its settings, the configuration read at start, discovery, the forwarding core, and beside it
 * the health checker (which reads the core's apps), the admin pages (which render the core's status) and the
 * reloader (which hands each new configuration to the core). None of the three knows the core's class.
 */
public final class ProxyModule extends AbstractModule {
    private final ProxySettings settings;
    private final ProxyConfig config;

    public ProxyModule(ProxySettings settings, ProxyConfig config) {
        this.settings = settings;
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(ProxySettings.class).toInstance(settings);
        bind(ProxyConfig.class).toInstance(config);
        bind(TcpService.class).to(ProxyService.class);
    }

    @Provides
    @Singleton
    Discovery discovery(ServiceRegistry registry) {
        return new Discovery(registry);
    }

    @Provides
    @Singleton
    HealthChecker health(Node node, Provider<ProxyServer> server) {
        return new HealthChecker(() -> server.get().apps(), node.name());
    }

    @Provides
    @Singleton
    ProxyServer server(Node node, ServiceOptions options, Discovery discovery, HealthChecker health) {
        return new ProxyServer(node, options.bindAddress().getAddress(), config, discovery, health);
    }

    @Provides
    @Singleton
    ConfigReloader reloader(ProxyServer server, CuratorFramework client, Node node) {
        return new ConfigReloader(server::apply, settings, client, node.name(), () -> ProxyTls.files(server.config()));
    }

    @Provides
    @Singleton
    AdminServer admin(ProxyServer server, ConfigReloader reloader, Discovery discovery) {
        return new AdminServer(() -> server.status(reloader.stats()), discovery, settings.adminAddress());
    }

    @Provides
    @Singleton
    ProxyService service(ProxyServer server, HealthChecker health, AdminServer admin, ConfigReloader reloader) {
        return new ProxyService(server, health, admin, reloader);
    }
}
