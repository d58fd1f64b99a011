package io.tcpmesh.storage.collector;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;

/** Binds the collector: its configuration, its state and database, and its server. */
public final class CollectorModule extends AbstractModule {
    private final CollectorConfig config;

    public CollectorModule(CollectorConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(CollectorConfig.class).toInstance(config);
        bind(TcpService.class).to(CollectorServer.class);
        Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(CollectorMetrics.class);
    }

    @Provides
    @Singleton
    Collector collector(Node node, CollectorConfig config) {
        return new Collector(node, config);
    }

    @Provides
    @Singleton
    CollectorServer server(Node node, ServiceOptions options, Collector collector) {
        return new CollectorServer(node, options.bindAddress(), collector);
    }
}
