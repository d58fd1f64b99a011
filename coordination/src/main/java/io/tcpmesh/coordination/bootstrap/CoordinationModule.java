package io.tcpmesh.coordination.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ZooKeeperAccess;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import jakarta.inject.Singleton;
import org.apache.curator.framework.CuratorFramework;

/**
 * Binds what every service shares: its {@link ServiceOptions}, its {@link Node}, the ZooKeeper
 * configuration, a started Curator client (whose access {@link ZooKeeperAccess#prepare} checked: a wrong
 * {@code --zk-auth} secret fails the start), a started {@link ServiceRegistry}, and the (empty) set of
 * {@link MetricsSource}s and optional {@link HealthCheck} a service module adds to. The launcher closes
 * the registry and the client after the service.
 */
public final class CoordinationModule extends AbstractModule {
    private final String service;
    private final ServiceOptions options;
    private Exception curatorFailure;

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
    CuratorFramework curator(ZooKeeperConfig config) throws Exception {
        if (curatorFailure != null) {
            throw curatorFailure; // Guice asks again for each binding that needs it: one connection, one message
        }
        CuratorFramework client = ZooKeeperClients.start(config);
        try {
            ZooKeeperAccess.prepare(client, config);
        } catch (Exception e) {
            client.close();
            curatorFailure = e;
            throw e;
        }
        return client;
    }

    @Provides
    @Singleton
    ServiceRegistry registry(CuratorFramework client) {
        return new ServiceRegistry(client).start();
    }
}
