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

import java.io.OutputStream;
import java.net.Socket;
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

    /** What a case does with a proxy whose app has a failing target first and a working md5 target second. */
    private interface Case {
        void run(ProxyServer proxy, int port, TestBackend failing) throws Exception;
    }

    /** Runs {@code test} against a target in mode {@code failing} and an md5 target, with the app keys {@code extra}. */
    private void beside(TestBackend.Mode failing, String extra, Case test) throws Exception {
        try (TestBackend bad = new TestBackend(failing);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(extra, bad, md5);
            test.run(proxy, proxy.ports("md5").get(0), bad);
            proxy.close();
        }
    }

    /** {@code n} requests on new connections, each answered with its digest. */
    private static void everyRequestAnswered(int port, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            assertThat(ProxyFixture.request(port, prefix + i)).as(prefix + i).isEqualTo(md5(prefix + i));
        }
    }

    /** Two connections with the same request: round robin sends one to each target; one gets {@code failedAnswer}. */
    private static void oneOfTwoGets(int port, String request, String failedAnswer) throws Exception {
        String first = ProxyFixture.request(port, request);
        String second = ProxyFixture.request(port, request);
        assertThat(first + "|" + second).isIn(failedAnswer + "|" + md5(request), md5(request) + "|" + failedAnswer);
    }

    @Test
    void frozenTargetLeavesRotationAfterResponseTimeoutAndItsCheckKeepsItOut() throws Exception {
        beside(TestBackend.Mode.FROZEN, ", \"ResponseTimeout\": \"500ms\"", (proxy, port, frozen) -> {
            oneOfTwoGets(port, "request", ""); // the one sent to the frozen target is closed, not held
            Target t = proxy.app("md5").targets().get(0);
            assertThat(t.isUp()).isFalse();
            assertThat(t.reason()).isEqualTo("no response within 500 ms");
            everyRequestAnswered(port, "after ", 4);
            Timing.await("the active check probes the frozen target and fails", Duration.ofSeconds(10),
                    () -> t.reason().contains("no answer to a half-close within 500 ms"));
            assertThat(t.isUp()).as("a TCP connect succeeds on a frozen target; the check must not put it back").isFalse();
        });
    }

    @Test
    void checkWithResponseTimeoutPutsAnAnsweringTargetBack() throws Exception {
        beside(TestBackend.Mode.RESET, ", \"ResponseTimeout\": \"2s\", \"RetryOnNoResponse\": true", (proxy, port, dropper) -> {
            everyRequestAnswered(port, "r", 2);
            Target t = proxy.app("md5").targets().get(0);
            assertThat(t.isUp()).as("a reset before the first byte takes the target out").isFalse();
            dropper.mode(TestBackend.Mode.MD5);
            Timing.await("the target back after it answered a half-close", Duration.ofSeconds(15), t::isUp);
            assertThat(t.reason()).isEqualTo("check passed");
        });
    }

    @Test
    void requestToAFrozenTargetIsReplayedToTheNext() throws Exception {
        beside(TestBackend.Mode.FROZEN, ", \"ResponseTimeout\": \"500ms\", \"RetryOnNoResponse\": true", (proxy, port, frozen) -> {
            everyRequestAnswered(port, "request ", 4);
            assertThat(proxy.app("md5").targets().get(0).isUp()).isFalse();
            assertThat(proxy.app("md5").stats().failed()).isZero();
        });
    }

    @Test
    void targetThatHangsUpOrResetsBeforeAnsweringIsReplayedHalfCloseIncluded() throws Exception {
        for (TestBackend.Mode failing : new TestBackend.Mode[]{TestBackend.Mode.DROP, TestBackend.Mode.RESET}) {
            beside(failing, ", \"RetryOnNoResponse\": true", (proxy, port, bad) -> {
                everyRequestAnswered(port, failing + " ", 4);
                assertThat(bad.accepted()).as("the %s target got a request", failing).isPositive();
            });
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
        beside(TestBackend.Mode.PARTIAL, ", \"RetryOnNoResponse\": true", (proxy, port, partial) -> oneOfTwoGets(port, "a", "x"));
    }

    @Test
    void requestsBeyond64KibAreNotReplayed() throws Exception {
        beside(TestBackend.Mode.DROP, ", \"RetryOnNoResponse\": true", (proxy, port, bad) -> {
            oneOfTwoGets(port, "y".repeat(ProxyConnection.PENDING_LIMIT + 1), "");
            String small = "z".repeat(ProxyConnection.PENDING_LIMIT);
            for (int i = 0; i < 2; i++) {
                assertThat(ProxyFixture.request(port, small)).as("64 KiB exactly is replayed").isEqualTo(md5(small));
            }
        });
    }

    @Test
    void aClientPausingLongerThanResponseTimeoutBeforeItsFinDoesNotFailTheTarget() throws Exception {
        try (TestBackend first = new TestBackend(TestBackend.Mode.MD5);
             TestBackend second = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"ResponseTimeout\": \"300ms\", \"RetryOnNoResponse\": true", first, second);
            try (Socket s = ProxyFixture.connect(proxy.ports("md5").get(0))) {
                OutputStream out = s.getOutputStream();
                out.write("hel".getBytes(StandardCharsets.UTF_8));
                Timing.await("the first bytes reached a target", Duration.ofSeconds(10), () -> first.accepted() + second.accepted() == 1);
                Thread.sleep(1000); // the client's own pace: three ResponseTimeouts without a byte, before its FIN
                out.write("lo".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(md5("hello"));
            }
            assertThat(first.accepted() + second.accepted()).as("no replay: the target was waiting for the client").isEqualTo(1);
            assertThat(proxy.app("md5").targets()).allSatisfy(t -> assertThat(t.isUp()).as(t.reason()).isTrue());
        }
    }

    @Test
    void aTargetThatHangsUpOnARequestStillBeingSentIsNotReplayed() throws Exception {
        try (TestBackend hangup = new TestBackend(TestBackend.Mode.HANGUP);
             TestBackend md5 = new TestBackend(TestBackend.Mode.MD5)) {
            ProxyServer proxy = proxy(", \"ResponseTimeout\": \"2s\", \"RetryOnNoResponse\": true", hangup, md5);
            int port = proxy.ports("md5").get(0);
            for (int i = 0; hangup.accepted() == 0; i++) { // round robin: the first or the second goes to it
                assertThat(i).as("round robin reaches the target that hangs up").isLessThan(2);
                int sent = i + 1;
                try (Socket s = ProxyFixture.connect(port)) {
                    s.getOutputStream().write('x'); // no FIN: the client is still sending its request
                    Timing.await("the request reached a target", Duration.ofSeconds(10), () -> hangup.accepted() + md5.accepted() == sent);
                    if (hangup.accepted() > 0) {
                        assertThat(s.getInputStream().read()).as("closed as the target closed it").isEqualTo(-1);
                        assertThat(md5.accepted()).as("not replayed to the other target").isEqualTo(i);
                    }
                }
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
