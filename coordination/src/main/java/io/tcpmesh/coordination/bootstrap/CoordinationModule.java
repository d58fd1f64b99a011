package io.tcpmesh.coordination.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;

/**
 * Binds what every service shares: its {@link ServiceOptions}, its {@link Node}, the ZooKeeper
 * configuration, a started Curator client and a started {@link ServiceRegistry}. The launcher closes
 * the registry and the client after the service.
 */
public final class CoordinationModule extends AbstractModule {
    private final String service;
    private final ServiceOptions options;

    public CoordinationModule(String service, ServiceOptions options) {
        this.service = service;
        this.options = options;
    }

    @Override
    protected void configure() {
        bind(ServiceOptions.class).toInstance(options);
        bind(Node.class).toInstance(new Node(service, options.nodeId(service, options.port())));
        bind(ZooKeeperConfig.class).toInstance(options.zooKeeper());
    }

    @Provides
    @Singleton
    CuratorFramework curator(ZooKeeperConfig config) {
        return ZooKeeperClients.start(config);
    }

    @Provides
    @Singleton
    ServiceRegistry registry(CuratorFramework client) {
        return new ServiceRegistry(client).start();
    }
}
