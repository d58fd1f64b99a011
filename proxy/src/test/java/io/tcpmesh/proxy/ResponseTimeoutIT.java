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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** ResponseTimeout and RetryOnNoResponse against targets that freeze, hang up, reset or half-answer. */
class ResponseTimeoutIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();
    @TempDir
    Path dir;

    private ProxyServer proxy(String extra, TestBackend... backends) throws Exception {
        StringBuilder targets = new StringBuilder();
        for (TestBackend b : backends) {
            targets.append(targets.length() == 0 ? "" : ", ").append('"').append(b.target()).append('"');
        }
        RunningService running = ProxyFixture.start(zk, ProxyFixture.write(dir, """
                {"Apps": [{"Name": "md5", "Ports": [0], "Targets": [%s], "ConnectTimeout": "1s"%s}]}"""
                .formatted(targets, extra)));
        return ProxyFixture.server(running);
    }

    @Test
    void frozenTargetLeavesRotationAfterResponseTimeoutAndItsCheckKeepsItOut() throws Exception {
        try (TestBackend frozen = new TestBackend(TestBackend.Mode.FROZEN);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"ResponseTimeout\": \"500ms\"", frozen, md5);
            int port = proxy.ports("md5").get(0);
            String answered = null;
            String failed = null;
            for (int i = 0; i < 2; i++) { // round robin: one of the two goes to the frozen target
                String got = ProxyFixture.request(port, "request " + i);
                if (got.isEmpty()) {
                    failed = "request " + i;
                } else {
                    answered = got;
                }
            }
            assertThat(failed).as("the request sent to the frozen target is closed, not held").isNotNull();
            assertThat(answered).isNotNull();
            Target t = proxy.app("md5").targets().get(0);
            assertThat(t.isUp()).isFalse();
            assertThat(t.reason()).isEqualTo("no response within 500 ms");
            for (int i = 0; i < 4; i++) {
                assertThat(ProxyFixture.request(port, "after " + i)).isEqualTo(md5("after " + i));
            }
            Timing.await("the active check probes the frozen target and fails", Duration.ofSeconds(10),
                    () -> t.reason().contains("no answer to a half-close within 500 ms"));
            assertThat(t.isUp()).as("a TCP connect succeeds on a frozen target; the check must not put it back").isFalse();
        }
    }

    @Test
    void checkWithResponseTimeoutPutsAnAnsweringTargetBack() throws Exception {
        try (TestBackend other = new TestBackend(TestBackend.Mode.MD5);
             TestBackend dropper = new TestBackend(TestBackend.Mode.RESET)) {
            ProxyServer proxy = proxy(", \"ResponseTimeout\": \"2s\", \"RetryOnNoResponse\": true", dropper, other);
            int port = proxy.ports("md5").get(0);
            for (int i = 0; i < 2; i++) {
                assertThat(ProxyFixture.request(port, "r" + i)).isEqualTo(md5("r" + i));
            }
            Target t = proxy.app("md5").targets().get(0);
            assertThat(t.isUp()).as("a reset before the first byte takes the target out").isFalse();
            dropper.mode(TestBackend.Mode.MD5);
            Timing.await("the target back after it answered a half-close", Duration.ofSeconds(15), t::isUp);
            assertThat(t.reason()).isEqualTo("check passed");
        }
    }

    @Test
    void requestToAFrozenTargetIsReplayedToTheNext() throws Exception {
        try (TestBackend frozen = new TestBackend(TestBackend.Mode.FROZEN);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"ResponseTimeout\": \"500ms\", \"RetryOnNoResponse\": true", frozen, md5);
            int port = proxy.ports("md5").get(0);
            for (int i = 0; i < 4; i++) {
                assertThat(ProxyFixture.request(port, "request " + i)).isEqualTo(md5("request " + i));
            }
            assertThat(proxy.app("md5").targets().get(0).isUp()).isFalse();
            assertThat(proxy.app("md5").stats().failed()).isZero();
        }
    }

    @Test
    void targetThatHangsUpOrResetsBeforeAnsweringIsReplayedHalfCloseIncluded() throws Exception {
        for (TestBackend.Mode failing : new TestBackend.Mode[]{TestBackend.Mode.DROP, TestBackend.Mode.RESET}) {
            try (TestBackend bad = new TestBackend(failing);
                 TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
                ProxyServer proxy = proxy(", \"RetryOnNoResponse\": true", bad, md5);
                int port = proxy.ports("md5").get(0);
                for (int i = 0; i < 4; i++) {
                    assertThat(ProxyFixture.request(port, failing + " " + i)).as(failing.name()).isEqualTo(md5(failing + " " + i));
                }
                assertThat(bad.accepted()).as("the %s target got a request", failing).isPositive();
                proxy.close();
            }
        }
    }

    @Test
    void withoutRetryAHangUpBeforeAnsweringReachesTheClient() throws Exception {
        try (TestBackend bad = new TestBackend(TestBackend.Mode.DROP)) {
            ProxyServer proxy = proxy("", bad);
            assertThat(ProxyFixture.request(proxy.ports("md5").get(0), "hello")).isEmpty();
        }
    }

    @Test
    void onceAByteCameBackAFailureIsTheClients() throws Exception {
        try (TestBackend partial = new TestBackend(TestBackend.Mode.PARTIAL);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"RetryOnNoResponse\": true", partial, md5);
            int port = proxy.ports("md5").get(0);
            String first = ProxyFixture.request(port, "a");
            String second = ProxyFixture.request(port, "b");
            assertThat(first + "|" + second).satisfiesAnyOf(
                    s -> assertThat(s).isEqualTo("x|" + md5("b")),
                    s -> assertThat(s).isEqualTo(md5("a") + "|x"));
        }
    }

    @Test
    void requestsBeyond64KibAreNotReplayed() throws Exception {
        try (TestBackend bad = new TestBackend(TestBackend.Mode.DROP);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"RetryOnNoResponse\": true", bad, md5);
            int port = proxy.ports("md5").get(0);
            String big = "y".repeat(ProxyConnection.PENDING_LIMIT + 1);
            String first = ProxyFixture.request(port, big);
            String second = ProxyFixture.request(port, big);
            assertThat(first + "|" + second).satisfiesAnyOf(
                    s -> assertThat(s).isEqualTo("|" + md5(big)),
                    s -> assertThat(s).isEqualTo(md5(big) + "|"));
            String small = "z".repeat(ProxyConnection.PENDING_LIMIT);
            for (int i = 0; i < 2; i++) {
                assertThat(ProxyFixture.request(port, small)).as("64 KiB exactly is replayed").isEqualTo(md5(small));
            }
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8))) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
