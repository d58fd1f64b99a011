package io.tcpmesh.echo;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.bootstrap.TcpService;

/** Wires an echo node: its configuration and the {@link EchoNode} as the service. */
public final class EchoModule extends AbstractModule {
    private final EchoConfig config;

    public EchoModule(EchoConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(EchoConfig.class).toInstance(config);
        bind(EchoNode.class);
        bind(TcpService.class).to(EchoNode.class);
        Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(EchoMetrics.class);
    }
}
