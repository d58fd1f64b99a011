package io.tcpmesh.coordination.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.admin.ConnectionMetrics;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.coordination.admin.MetricsSource;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class AdminEndpointIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    private final AtomicReference<String> problem = new AtomicReference<>();

    /** Accepts connections and keeps them; counts them through the shared connection metrics. */
    final class CountingModule extends AbstractModule {
        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), MetricsSource.class).addBinding().to(Metrics.class);
            OptionalBinder.newOptionalBinder(binder(), HealthCheck.class).setBinding().toInstance(problem::get);
        }

        @Provides
        @Singleton
        MinaTcpServer server(Node node, ServiceOptions options) {
            return new MinaTcpServer(node, options.bindAddress(), new IoHandlerAdapter(), 1);
        }

        @Provides
        @Singleton
        TcpService service(MinaTcpServer server) {
            return server;
        }
    }

    static final class Metrics implements MetricsSource {
        private final MinaTcpServer server;

        @jakarta.inject.Inject
        Metrics(MinaTcpServer server) {
            this.server = server;
        }

        @Override
        public void register(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
            new ConnectionMetrics().listener("node", server.acceptor()).register(registry);
        }
    }

    private ServiceOptions options() {
        return new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).bind("127.0.0.1")
                .zkSessionTimeout(Duration.ofSeconds(2)).drainTimeout(Duration.ofSeconds(5)).adminPort(0);
    }

    @Test
    void adminAddressIsRegisteredAndServesHealthAndMetrics() throws Exception {
        ServiceWatch watch = zk.track(new ServiceRegistry(zk.newClient()).start()).watch("counting");
        try (RunningService running = ServiceLauncher.start("counting", options(), new CountingModule());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
            List<Instance> seen = Timing.await("registered", Duration.ofSeconds(5), watch::instances, l -> l.size() == 1);
            String admin = seen.get(0).details().attribute("admin");
            assertThat(admin).matches("127\\.0\\.0\\.1:\\d+").isEqualTo(running.adminAddress());

            client.getOutputStream().write("hello".getBytes());
            Timing.await("healthy", Duration.ofSeconds(10), () -> get(admin, "/health"), "200 ok\n"::equals);
            String metrics = Timing.await("5 bytes counted", Duration.ofSeconds(5), () -> get(admin, "/metrics"),
                    m -> m.contains("tcpmesh_received_bytes_total{listener=\"node\"} 5.0"));
            assertThat(metrics).contains("tcpmesh_connections_active{listener=\"node\"} 1.0")
                    .contains("tcpmesh_connections_total{listener=\"node\"} 1.0")
                    .contains("tcpmesh_info{node=\"" + running.node().name() + "\",service=\"counting\",version=")
                    .contains("jvm_memory_used_bytes").contains("process_cpu_seconds_total");
        }
    }

    @Test
    void healthIs503WithTheReasonWhenTheServiceCannotWorkAndWhileDraining() throws Exception {
        RunningService running = ServiceLauncher.start("counting", options(), new CountingModule());
        String admin = running.adminAddress();
        problem.set("store unavailable");
        Timing.await("503 with the reason", Duration.ofSeconds(10), () -> get(admin, "/health"), "503 store unavailable\n"::equals);
        problem.set(null);
        Timing.await("200 again", Duration.ofSeconds(10), () -> get(admin, "/health"), "200 ok\n"::equals);

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
            OutputStream out = client.getOutputStream();
            out.write(1);
            Timing.await("connection open", Duration.ofSeconds(5),
                    () -> running.instance(MinaTcpServer.class).acceptor().getManagedSessionCount() == 1);
            Thread closer = new Thread(running::close, "closer");
            closer.start();
            // the open connection holds the drain for up to 5 s: /health says so meanwhile
            Timing.await("503 while draining", Duration.ofSeconds(4), () -> get(admin, "/health"), "503 draining\n"::equals);
            client.close();
            closer.join(Timing.seconds(10).toMillis());
        }
    }

    @Test
    void noAdminEndpointUnlessAsked() throws Exception {
        try (RunningService running = ServiceLauncher.start("counting", options().adminPort(null), new CountingModule())) {
            assertThat(running.adminAddress()).isNull();
            assertThat(running.node().attributes()).doesNotContainKey("admin");
        }
    }

    @Test
    void aTakenAdminPortExitsWith3AndNamesTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.net.BindException.class,
                    () -> ServiceLauncher.start("counting", options().adminPort(taken.getLocalPort()), new CountingModule()));
            java.io.StringWriter err = new java.io.StringWriter();
            int code = ServiceLauncher.failure("counting", e, new java.io.PrintWriter(err));
            assertThat(code).isEqualTo(ExitCodes.BIND_FAILED);
            assertThat(err.toString()).contains("admin port").contains(":" + taken.getLocalPort())
                    .contains("pick another with --admin-port");
        }
    }

    private static String get(String hostPort, String path) {
        return Http.get(hostPort, path);
    }
}
