package io.tcpmesh.md5;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.bootstrap.TcpService;
import jakarta.inject.Singleton;

import java.util.Objects;

/** Guice wiring of the md5-service; the launcher adds the coordination module. */
public final class Md5Module extends AbstractModule {
    private final Md5Config config;

    public Md5Module(Md5Config config) {
        this.config = Objects.requireNonNull(config, "config cannot be null");
    }

    @Override
    protected void configure() {
        bind(Md5Config.class).toInstance(config);
        bind(Md5Stats.class).in(Singleton.class);
        bind(Md5Handler.class).in(Singleton.class);
        bind(Md5Server.class).in(Singleton.class);
        bind(TcpService.class).to(Md5Server.class);
        Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(Md5Metrics.class);
    }
}
