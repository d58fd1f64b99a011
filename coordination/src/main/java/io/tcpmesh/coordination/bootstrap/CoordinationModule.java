package io.tcpmesh.coordination.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import org.apache.curator.framework.CuratorFramework;

/**
 * Binds what every service shares: its {@link ServiceOptions}, its {@link Node}, the ZooKeeper
 * configuration, a started Curator client, a started {@link ServiceRegistry}, and the (empty) set of
 * {@link MetricsSource}s and optional {@link HealthCheck} a service module adds to. The launcher closes
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
        // a service module adds its metrics and its health check to these
        Multibinder.newSetBinder(binder(), MetricsSource.class);
        OptionalBinder.newOptionalBinder(binder(), HealthCheck.class);
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
