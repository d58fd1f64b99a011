package io.tcpmesh.proxy;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.routing.Discovery;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;

/** Wires the proxy: its settings, the configuration read at start, discovery and the server. */
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
        bind(TcpService.class).to(ProxyServer.class);
    }

    @Provides
    @Singleton
    Discovery discovery(ServiceRegistry registry) {
        return new Discovery(registry);
    }

    @Provides
    @Singleton
    ProxyServer server(Node node, ServiceOptions options, Discovery discovery, CuratorFramework client) {
        return new ProxyServer(node, options, settings, config, discovery, client);
    }
}
