package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.routing.ProxiedApp;
import io.tcpmesh.proxy.routing.Target;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardingIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void originalConfigShapeWorksOnEveryPortAndTheUnresolvableTargetNeverFailsAClient() throws Exception {
        try (TestBackend a = new TestBackend(TestBackend.Mode.ECHO); TestBackend b = new TestBackend(TestBackend.Mode.ECHO)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [
                      {"Name": "five-thousand", "Ports": [0, 0], "Targets": ["%1$s", "%2$s"]},
                      {"Name": "six-thousand", "Ports": [0, 0], "Targets": ["%1$s", "%2$s", "bad.target.for.testing:6003"]},
                      {"Name": "seven-thousand", "Ports": [0, 0], "Targets": ["bad.target.for.testing:6003", "%2$s"]}
                    ]}""".formatted(a.target(), b.target()));
            RunningService running = ProxyFixture.start(zk, file);
            ProxyServer proxy = ProxyFixture.server(running);
            for (String app : List.of("five-thousand", "six-thousand", "seven-thousand")) {
                assertThat(proxy.ports(app)).hasSize(2);
                for (int port : proxy.ports(app)) {
                    for (int i = 0; i < 12; i++) {
                        assertThat(ProxyFixture.echoes(port, app + " " + i)).as("%s port %d round %d", app, port, i).isTrue();
                    }
                }
            }
            for (ProxiedApp app : proxy.apps()) {
                assertThat(app.stats().failed()).as(app.name()).isZero();
            }
            Target bad = proxy.app("six-thousand").targets().get(2);
            assertThat(bad.host()).isEqualTo("bad.target.for.testing");
            Timing.await("the unresolvable target out of rotation", Duration.ofSeconds(10), () -> !bad.isUp());
            assertThat(a.accepted() + b.accepted()).isEqualTo(72);
            assertThat(a.accepted()).isGreaterThan(10);
        }
    }

    @Test
    void clientBytesSentBeforeTheTargetAnswersAreDelivered() throws Exception {
        try (TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            Path file = ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "md5", "Ports": [0], "Targets": ["127.0.0.1:1", "%s"]}]}""".formatted(md5.target()));
            RunningService running = ProxyFixture.start(zk, file);
            int port = ProxyFixture.server(running).ports("md5").get(0);
            // the first target refuses; the bytes sent meanwhile must still reach the second
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
            assertThat(ProxyFixture.request(port, "Hello, MD5 server!")).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
        }
    }

    @Test
    void noTargetWorkingClosesTheClientAndCountsIt() throws Exception {
        Path file = ProxyFixture.write(dir, """
                {"Apps": [{"Name": "dead", "Ports": [0], "Targets": ["127.0.0.1:1", "bad.target.for.testing:6003"]}]}""");
        RunningService running = ProxyFixture.start(zk, file);
        ProxyServer proxy = ProxyFixture.server(running);
        try (Socket s = ProxyFixture.connect(proxy.ports("dead").get(0))) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Timing.await("the failure counted", Duration.ofSeconds(5), () -> proxy.app("dead").stats().failed() == 1);
    }
}
