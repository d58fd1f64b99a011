package io.tcpmesh.storage.collector;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.storage.protocol.AuthToken;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Binds the collector: its configuration, its state and database, and its server. */
public final class CollectorModule extends AbstractModule {
    private final CollectorConfig config;
    private final Optional<AuthToken> token;

    public CollectorModule(CollectorConfig config) {
        this(config, Optional.empty());
    }

    /** With agents required to send this token in HELLO. */
    public CollectorModule(CollectorConfig config, Optional<AuthToken> token) {
        this.config = config;
        this.token = token;
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
        boolean clientCertificate = options.tls().map(t -> t.mutual()).orElse(false);
        CollectorServer server = new CollectorServer(node, options.bindAddress(), collector, new AgentAuth(clientCertificate, token));
        server.useTls(options.tls());
        return server;
    }
}
