package io.tcpmesh.proxy;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.proxy.routing.Target;
import io.tcpmesh.proxy.testing.ProxyFixture;
import io.tcpmesh.proxy.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    @Test
    void targetKilledUnderLoadFailsNoNewClientConnection() throws Exception {
        TestBackend doomed = new TestBackend(TestBackend.Mode.ECHO);
        try (TestBackend survivor = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["%s", "%s"], "ConnectTimeout": "1s"}]}"""
                    .formatted(doomed.target(), survivor.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("echo").get(0);
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger done = new AtomicInteger();
            ConcurrentLinkedQueue<Long> failuresAfterKill = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int id = c;
                loops.add(clients.submit(() -> {
                    for (int i = 0; i < 120; i++) {
                        long started = System.nanoTime();
                        boolean ok = ProxyFixture.echoes(port, "client " + id + " round " + i);
                        if (!ok && started > killedAt.get()) {
                            failuresAfterKill.add(started);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            Timing.await("load under way", Duration.ofSeconds(10), () -> done.get() >= 100);
            doomed.close();
            killedAt.set(System.nanoTime());
            for (Future<?> f : loops) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(failuresAfterKill).as("connections started after the kill that failed").isEmpty();
            Target dead = proxy.app("echo").targets().get(0);
            assertThat(dead.isUp()).isFalse();
            // taken out by a refused connect, or by a connection reset in flight: either way it says why
            assertThat(dead.stats().reason()).as("%s", dead.stats()).isNotBlank();
            assertThat(proxy.app("echo").stats().failed()).isZero();
        }
    }

    @Test
    void aTargetThatComesBackReturnsToRotationAfterACheck() throws Exception {
        TestBackend first = new TestBackend(TestBackend.Mode.ECHO);
        int port0 = first.port();
        try (TestBackend other = new TestBackend(TestBackend.Mode.ECHO)) {
            RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                    {"Apps": [{"Name": "echo", "Ports": [0], "Targets": ["127.0.0.1:%d", "%s"]}]}""".formatted(port0, other.target())));
            ProxyServer proxy = ProxyFixture.server(running);
            int port = proxy.ports("echo").get(0);
            first.close();
            for (int i = 0; i < 4; i++) {
                assertThat(ProxyFixture.echoes(port, "x" + i)).isTrue();
            }
            Target t = proxy.app("echo").targets().get(0);
            assertThat(t.isUp()).isFalse();
            try (TestBackend back = new TestBackend(TestBackend.Mode.ECHO, port0)) {
                Timing.await("the target back after its TCP check", Duration.ofSeconds(10), t::isUp);
                int before = back.accepted();
                for (int i = 0; i < 6; i++) {
                    assertThat(ProxyFixture.echoes(port, "y" + i)).isTrue();
                }
                assertThat(back.accepted() - before).as("connections to the returned target").isGreaterThanOrEqualTo(2);
            }
        }
    }
}
