package io.tcpmesh.numbers;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.numbers.store.MemorySessionStore;
import io.tcpmesh.numbers.store.SessionStore;
import io.tcpmesh.numbers.store.ZooKeeperSessionStore;
import org.apache.curator.framework.CuratorFramework;

/** Wires the numbers server: its configuration, its session store and the server itself. */
public final class NumbersModule extends AbstractModule {
    private final NumbersConfig config;

    public NumbersModule(NumbersConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(NumbersConfig.class).toInstance(config);
        bind(TcpService.class).to(NumbersServer.class);
        Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(NumbersMetrics.class);
        OptionalBinder.newOptionalBinder(binder(), HealthCheck.class).setBinding().to(NumbersHealth.class);
    }

    @Provides
    @Singleton
    SessionStore store(CuratorFramework client, Node node) {
        return config.store() == StoreKind.MEMORY ? new MemorySessionStore() : new ZooKeeperSessionStore(client, node::name);
    }

    @Provides
    @Singleton
    NumbersServer server(Node node, ServiceOptions options, SessionStore store) {
        return new NumbersServer(node, options.bindAddress(), config, store);
    }
}
